"""The relay end to end: residents on LINE and Telegram, volunteers in a Telegram group (a
forum with a topic per ticket, or a plain group with replies), through the real webhooks and
the fake LINE and Telegram APIs, which validate every request against the specs."""

from __future__ import annotations

from pathlib import Path

from bot.storage import inbox
from bot.storage.models import Job, Ticket, TicketMessage, TicketPost
from tests.bot_harness import running_bot
from tests.fakes.webhooks import line_body, line_text_event, line_unfollow_event
from tests.handoff_harness import (
    ANNA,
    BEN,
    FORUM,
    LINE_RESIDENT,
    PLAIN,
    TG_RESIDENT,
    card_buttons,
    in_topic,
    line_presses,
    line_resident_opens_ticket,
    line_says,
    line_texts,
    post,
    replying,
    run_jobs,
    sends,
    set_up_group,
    tg_resident,
    tg_resident_presses,
)
from tests.staff_harness import services_of

QUESTION = "士林區的住民大會可以帶小孩去嗎？我的電話0912-345-678"


async def test_line_resident_and_forum_volunteers_both_ways(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_group(FORUM, bot=bot)
        ticket = await line_resident_opens_ticket(bot, QUESTION)
        assert ticket.ref in line_texts(bot)[-1] and ticket.status == "open"
        await run_jobs(bot)
        topic = next(c for c in bot.telegram.calls if c.method == "createForumTopic")
        assert ticket.ref in topic.params["name"] and "0912" not in topic.params["name"]
        card = sends(bot, FORUM)[-1]
        thread = int((await Ticket.get(id=ticket.id)).thread_id or 0)
        assert card["message_thread_id"] == thread
        assert {"認領", "結案", "轉成常見問題"} <= set(card_buttons(card))
        assert "住民大會" in card["text"] and "0912" not in card["text"]
        assert LINE_RESIDENT not in card["text"]

        # The resident adds something: relayed, no answer from the bot, the loading animation.
        replies_before = len(bot.line.replies())
        await line_says(bot, "我家小孩五歲")
        assert len(bot.line.replies()) == replies_before  # the reply token is kept
        assert bot.line.loading()[-1] == {"chatId": LINE_RESIDENT, "loadingSeconds": 60}
        await run_jobs(bot)
        relay = sends(bot, FORUM)[-1]
        assert "我家小孩五歲" in relay["text"] and relay["message_thread_id"] == thread

        # A volunteer answers in the topic: the kept reply token carries it (free).
        await post(bot, in_topic(ANNA, "可以喔，現場有親子區。", thread))
        await run_jobs(bot)
        answer = bot.line.replies()[-1].json["messages"][0]
        assert "可以喔，現場有親子區。" in answer["text"] and ticket.ref in answer["text"]
        labels = [i["action"]["label"] for i in answer["quickReply"]["items"]]
        assert any("👍" in label for label in labels) and "結束對話" in labels
        assert not bot.line.pushes(LINE_RESIDENT)

        # A second answer later: the token is used up, so it is pushed with a retry key.
        await post(bot, in_topic(BEN, "另外記得先報名。", thread))
        await run_jobs(bot)
        push = bot.line.pushes(LINE_RESIDENT)[-1]
        assert "另外記得先報名。" in push.json["messages"][0]["text"]
        assert "X-Line-Retry-Key" in push.headers
        claimed = await Ticket.get(id=ticket.id)
        assert claimed.claimed_by == str(ANNA)  # answering claimed it
        assert "Anna" in sends(bot, FORUM)[-1]["text"]  # Ben's answer noted as not his

        # The resident rates it and says thanks: closed, both sides told.
        await line_presses(bot, "👍")
        await line_says(bot, "謝謝")
        assert (await Ticket.get(id=ticket.id)).status == "closed"
        assert "對話已結束" in line_texts(bot)[-1]
        await run_jobs(bot)
        group_text = sends(bot, FORUM)[-1]["text"]
        assert "有幫助" in group_text and "已結案" in group_text
        assert bot.line.errors == [] and bot.telegram.errors == []


async def test_telegram_resident_and_plain_group_with_replies(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_group(PLAIN, forum=False)
        await post(bot, tg_resident("我要找真人"))
        await post(bot, tg_resident("提案可以跨區嗎"))
        await post(bot, tg_resident_presses(bot, "士林區"))
        await post(bot, tg_resident_presses(bot, "同意轉交"))
        ticket = await Ticket.get(user_id=str(TG_RESIDENT))
        assert ticket.district == "士林區"
        await run_jobs(bot)
        assert not [c for c in bot.telegram.calls if c.method == "createForumTopic"]
        card = sends(bot, PLAIN)[-1]
        assert "士林區" in card["text"] and "提案可以跨區嗎" in card["text"]
        card_id = int((await Ticket.get(id=ticket.id)).card_id or 0)

        await post(bot, tg_resident("補充：是中山區和士林區交界"))
        await run_jobs(bot)
        relay = sends(bot, PLAIN)[-1]
        assert "交界" in relay["text"] and relay["reply_parameters"]["message_id"] == card_id
        assert "message_thread_id" not in relay

        # A reply to the relayed message (not only to the card) is an answer to the ticket.
        relay_id = int((await TicketPost.filter(ticket_id=ticket.id).order_by("-id").first()
                        ).message_id)  # type: ignore[union-attr]
        await post(bot, replying(ANNA, "可以，請寫在構想書的地點欄。", relay_id))
        await run_jobs(bot)
        got = sends(bot, TG_RESIDENT)[-1]
        assert "地點欄" in got["text"] and ticket.ref in got["text"]
        assert "結束對話" in card_buttons(got)
        await post(bot, tg_resident_presses(bot, "結束對話"))
        assert (await Ticket.get(id=ticket.id)).status == "closed"
        assert "對話已結束" in sends(bot, TG_RESIDENT)[-1]["text"]
        assert bot.telegram.errors == []


async def test_redelivered_volunteer_update_is_relayed_once(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_group(FORUM, bot=bot)
        ticket = await line_resident_opens_ticket(bot, "i-Voting 什麼時候開始")
        await run_jobs(bot)
        thread = int((await Ticket.get(id=ticket.id)).thread_id or 0)
        update = in_topic(ANNA, "十月開始，確切日期看 pb.taipei。", thread)
        await post(bot, update)
        await post(bot, update)  # Telegram retried the webhook
        await run_jobs(bot)
        assert await TicketMessage.filter(direction="out").count() == 1
        texts = [t for t in line_texts(bot) if "十月開始" in t]
        assert len(texts) == 1


async def test_a_closed_topic_is_recreated_and_nothing_is_lost(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_group(FORUM, bot=bot)
        ticket = await line_resident_opens_ticket(bot, "住民大會在哪裡開")
        await run_jobs(bot)
        first = int((await Ticket.get(id=ticket.id)).thread_id or 0)
        bot.telegram.closed_threads.add(first)  # a volunteer closed the topic
        await line_says(bot, "還有停車位嗎")
        await run_jobs(bot)
        second = int((await Ticket.get(id=ticket.id)).thread_id or 0)
        assert second and second != first
        in_new = [p["text"] for p in sends(bot, FORUM) if p.get("message_thread_id") == second]
        assert any("住民大會在哪裡開" in t for t in in_new)  # the ticket again
        assert any("還有停車位嗎" in t for t in in_new)
        assert bot.telegram.errors == []


async def test_two_volunteers_at_once_both_reach_the_resident_in_order(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_group(FORUM, bot=bot)
        ticket = await line_resident_opens_ticket(bot, "可以線上投票嗎")
        await run_jobs(bot)
        thread = int((await Ticket.get(id=ticket.id)).thread_id or 0)
        services = services_of(bot)
        assert services.telegram is not None
        both = [*services.telegram.events(in_topic(ANNA, "第一則：可以。", thread)),
                *services.telegram.events(in_topic(BEN, "第二則：用 i-Voting。", thread))]
        await inbox.record("telegram", both)  # together: one batch of turns holds both
        services.worker.notify()
        await bot.settle()
        await run_jobs(bot)
        texts = [t for t in line_texts(bot) if "則：" in t]
        assert len(texts) == 2 and "第一則" in texts[0] and "第二則" in texts[1]


async def test_unfollowed_resident_the_volunteer_is_told(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_group(FORUM, bot=bot)
        ticket = await line_resident_opens_ticket(bot, "請問課程要錢嗎")
        await run_jobs(bot)
        thread = int((await Ticket.get(id=ticket.id)).thread_id or 0)
        await bot.post_line(line_body([line_unfollow_event(LINE_RESIDENT)]))
        await bot.settle()
        await post(bot, in_topic(ANNA, "免費的。", thread))
        await run_jobs(bot)
        assert not bot.line.pushes(LINE_RESIDENT)
        assert "無法送達" in sends(bot, FORUM)[-1]["text"]
        assert (await TicketMessage.get(direction="out")).error


async def test_photos_long_answers_and_strangers(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_group(FORUM, bot=bot)
        await post(bot, tg_resident("找真人"))
        await post(bot, tg_resident("想問一個很長的問題"))
        await post(bot, tg_resident_presses(bot, "略過"))
        await post(bot, tg_resident_presses(bot, "同意轉交"))
        await run_jobs(bot)
        ticket = await Ticket.get(user_id=str(TG_RESIDENT))
        thread = int(ticket.thread_id or 0)
        photo = [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}]
        await post(bot, in_topic(ANNA, "", thread, photo=photo))
        assert "無法轉給民眾" in sends(bot, FORUM)[-1]["text"]
        await post(bot, in_topic(9999, "我也來回答", thread))
        assert "還不是志工" in sends(bot, FORUM)[-1]["text"]
        long_answer = "很長的回覆。" * 700  # 4,200 characters: over Telegram's 4,096
        await post(bot, in_topic(ANNA, long_answer[:4000], thread))
        await run_jobs(bot)
        got = [p["text"] for p in sends(bot, TG_RESIDENT)][-2:]
        assert len(got) == 2 and all(len(t) <= 4096 for t in got)  # split, nothing lost
        assert await TicketMessage.filter(direction="out").count() == 1
        assert bot.telegram.errors == []


async def test_no_group_then_the_group_is_set_and_a_restart_in_between(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await line_says(bot, "我要找真人")
        assert "區公所" in line_texts(bot)[-1]
        await line_says(bot, "想找人討論我的提案")
        await line_presses(bot, "略過")
        await line_presses(bot, "同意轉交")
        ticket = await Ticket.get(user_id=LINE_RESIDENT)
        assert "區公所" in line_texts(bot)[-1] and ticket.ref in line_texts(bot)[-1]
        await run_jobs(bot)
        assert (await Job.get(kind="ticket_sync")).status == "failed"
    # A restart; then `run.py volunteers chat` (what it does) and the new process posts it.
    async with running_bot(tmp_path) as bot:
        from bot.cli.volunteers import _set_chat
        await set_up_group(FORUM, bot=bot)
        await _set_chat("telegram", str(FORUM))
        await run_jobs(bot)
        assert ticket.ref in sends(bot, FORUM)[-1]["text"]


async def test_a_group_reply_to_something_else_is_not_an_answer(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_group(PLAIN, forum=False)
        await post(bot, replying(ANNA, "這是閒聊", 4242))
        await post(bot, in_topic(ANNA, "別的主題的閒聊", 77, chat=FORUM))
        assert not await TicketMessage.exists()
        assert not sends(bot, FORUM)  # chatter in another topic: ignored
        assert "回覆」該單的訊息" in sends(bot, PLAIN)[-1]["text"]  # not answered as a question
        assert bot.telegram.errors == []


async def test_line_group_asks_are_sent_to_a_private_chat(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        event = line_text_event(LINE_RESIDENT, "@小幫手 找真人", source="group",
                                mention_self=True)
        await bot.post_line(line_body([event]))
        await bot.settle()
        assert "私訊" in line_texts(bot)[-1]
        assert not await Ticket.exists()


async def test_a_burst_of_resident_messages_is_one_group_message(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_group(FORUM, bot=bot)
        await line_resident_opens_ticket(bot, "想問提案的事情")
        await run_jobs(bot)
        before = len(sends(bot, FORUM))
        body = line_body([line_text_event(LINE_RESIDENT, f"第{n}句") for n in range(1, 7)])
        assert (await bot.post_line(body)).status == 200
        await bot.settle()
        await run_jobs(bot)
        relays = sends(bot, FORUM)[before:]
        assert len(relays) == 1 and all(f"第{n}句" in relays[0]["text"] for n in range(1, 7))
        assert relays[0]["text"].index("第1句") < relays[0]["text"].index("第6句")
        assert len(bot.line.loading()) == 6 and bot.line.errors == []


async def test_two_syncs_at_once_make_one_topic(tmp_path: Path) -> None:
    import asyncio

    from bot.handlers.handoff.relay import Busy
    async with running_bot(tmp_path) as bot:
        await set_up_group(FORUM, bot=bot)
        ticket = await line_resident_opens_ticket(bot, "想問提案的事情")
        await line_says(bot, "補充一句")
        sync = services_of(bot).jobs.handlers["ticket_sync"]
        results = await asyncio.gather(sync({"ticket": ticket.id}, None),
                                       sync({"ticket": ticket.id}, None),
                                       return_exceptions=True)
        assert [type(r) for r in results if r is not None] in ([Busy], [])
        await run_jobs(bot)
        assert len([c for c in bot.telegram.calls if c.method == "createForumTopic"]) == 1
        assert any("補充一句" in p["text"] for p in sends(bot, FORUM))
