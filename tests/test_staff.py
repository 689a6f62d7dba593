"""The district office on Telegram: cards, role checks, notes, stale presses, resident notices.

Updates go through the real webhook and adapter; python-telegram-bot talks to the fake Bot API,
which validates every call against the spec. Residents are local (LocalOutbox) or LINE users.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.types import Effect, Incoming
from bot.handlers.propose.notice import resend_backlog
from bot.runtime.effects import apply_effect
from bot.storage import people
from bot.storage.conversations import Conflict
from bot.storage.models import Job, Proposal, ProposalEvent
from bot.storage.proposals import staff
from bot.storage.proposals import store as proposals
from tests.bot_harness import Bot, running_bot
from tests.chat import Chat
from tests.staff_harness import (
    BEITOU_CLERK,
    CLERK,
    GROUP,
    OTHER_CLERK,
    STRANGER,
    buttons,
    group_message,
    group_sends,
    last_card,
    press,
    reply,
    run_jobs,
    services_of,
    set_up_office,
    status_of,
    submit,
)

LINE_USER = "U" + "2" * 32


async def _card_for(bot: Bot, ref: str) -> dict[str, str]:
    """Run the jobs, then the buttons of the card for ref in the staff group."""
    await run_jobs(bot)
    card = last_card(bot)
    assert ref in card["text"]
    return buttons(card)


async def _press(bot: Bot, user_id: int, data: str) -> None:
    assert (await bot.post_telegram(press(user_id, data))).status == 200
    await bot.settle()


async def _wizard(chat: Chat) -> None:
    """A local resident writes and submits a 構想書 with the wizard."""
    await chat.send("我要提案")
    for answer in ("士林公園增設遮陽棚", "士林區", "士林公園", "公園與綠地",
                   "夏天太陽很大，長者在公園休息沒有遮蔽的地方。",
                   "在公園步道旁增設三座遮陽棚與座椅。", "附近長者與親子", "50萬", "不要"):
        await chat.send(answer)
    await chat.press("送出提案")
    if any("仍要送出" in c.label for c in chat.choices):
        await chat.press("仍要送出")
    assert "編號" in chat.text


async def test_submitted_proposal_reaches_the_group_and_accept_tells_the_resident(
        tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        services = services_of(bot)
        await set_up_office()
        resident = Chat(services.dispatcher, user="resident01")
        await _wizard(resident)
        ref = str((await Proposal.get(user_id="resident01")).ref)
        card_buttons = await _card_for(bot, ref)
        card = last_card(bot)
        assert set(card_buttons) == {"受理", "需補件", "不受理"}
        assert all(len(d.encode()) <= 64 for d in card_buttons.values())
        assert "parse_mode" not in card and "士林公園增設遮陽棚" in card["text"]
        await _press(bot, CLERK, card_buttons["受理"])
        assert await status_of(ref) == "accepted"
        event = await ProposalEvent.filter(status="accepted").get()
        assert event.actor == f"staff:telegram:{CLERK}"
        await run_jobs(bot)
        notice = "\n".join(getattr(r, "text", "") for r in services.local.take("resident01"))
        assert "已由士林區公所受理" in notice and "住民大會" in notice
        texts = [p["text"] for p in group_sends(bot)]
        assert any("改為「已受理」" in t for t in texts)
        assert set(buttons(last_card(bot))) == {"住民大會", "不受理"}
        assert bot.telegram.errors == []


async def test_needs_more_asks_for_a_reply_and_the_resident_gets_the_note(
        tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_office()
        await submit("line", LINE_USER, "261123-NEED")
        card_buttons = await _card_for(bot, "261123-NEED")
        await _press(bot, CLERK, card_buttons["需補件"])
        assert "回覆" in group_sends(bot)[-1]["text"]
        assert await status_of("261123-NEED") == "submitted"  # nothing until the note
        await bot.post_telegram(reply(CLERK, "好"))  # one character: too short
        await bot.settle()
        assert "太短" in group_sends(bot)[-1]["text"]
        await bot.post_telegram(reply(CLERK, "請補上遮陽棚預定位置的照片"))
        await bot.settle()
        p = await proposals.by_ref("261123-NEED")
        assert p is not None and p.status == "needs_more" and "照片" in p.note
        await run_jobs(bot)
        pushes = [r for r in bot.line.requests if r.path == "/v2/bot/message/push"]
        assert len(pushes) == 1 and pushes[0].json["to"] == LINE_USER
        text = pushes[0].json["messages"][0]["text"]
        assert "請補上遮陽棚預定位置的照片" in text and "我的提案" in text
        assert bot.line.errors == [] and bot.telegram.errors == []


async def test_needs_more_then_the_resident_resubmits_and_the_office_sees_it_again(
        tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        services = services_of(bot)
        await set_up_office()
        resident = Chat(services.dispatcher, user="resident02")
        await _wizard(resident)
        ref = str((await Proposal.get(user_id="resident02")).ref)
        await _press(bot, CLERK, (await _card_for(bot, ref))["需補件"])
        await bot.post_telegram(reply(CLERK, "請補充經費估算的依據"))
        await bot.settle()
        await resident.send("我的提案")
        await resident.press("繼續")
        await resident.press("送出提案")
        if any("仍要送出" in c.label for c in resident.choices):
            await resident.press("仍要送出")
        assert await status_of(ref) == "submitted"
        cards_before = len([p for p in group_sends(bot) if buttons(p)])
        await run_jobs(bot)
        cards = [p for p in group_sends(bot) if buttons(p)]
        assert len(cards) == cards_before + 1 and ref in cards[-1]["text"]


async def test_rejecting_needs_a_reason_and_cancel_changes_nothing(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_office()
        await submit("local", "resident03", "261123-REJT")
        card_buttons = await _card_for(bot, "261123-REJT")
        await _press(bot, CLERK, card_buttons["不受理"])
        await bot.post_telegram(reply(CLERK, "取消"))
        await bot.settle()
        assert "沒有變更" in group_sends(bot)[-1]["text"]
        assert await status_of("261123-REJT") == "submitted"
        await _press(bot, CLERK, card_buttons["不受理"])
        await bot.post_telegram(reply(CLERK, "本案屬中央權責，不在本市參與式預算範圍"))
        await bot.settle()
        assert await status_of("261123-REJT") == "rejected"
        await run_jobs(bot)
        notice = services_of(bot).local.take("resident03")
        assert "中央權責" in getattr(notice[0], "text", "")


async def test_outsiders_are_refused_and_nothing_changes(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_office()
        await submit("local", "resident04", "261123-REFU")
        accept = (await _card_for(bot, "261123-REFU"))["受理"]
        for outsider in (STRANGER, BEITOU_CLERK):
            await _press(bot, outsider, accept)
            assert "沒有士林區提案的承辦權限" in group_sends(bot)[-1]["text"]
        assert await status_of("261123-REFU") == "submitted"
        assert await ProposalEvent.all().count() == 1  # only "submitted"
        assert not await Job.filter(kind="send").exists()


async def test_duplicate_and_simultaneous_presses_change_once_and_notify_once(
        tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_office()
        await submit("local", "resident05", "261123-TWIC")
        accept = (await _card_for(bot, "261123-TWIC"))["受理"]
        # Two clerks at once (different conversations, run side by side), then a double tap.
        await bot.post_telegram(press(CLERK, accept))
        await bot.post_telegram(press(OTHER_CLERK, accept))
        await bot.settle()
        await _press(bot, CLERK, accept)
        assert await ProposalEvent.filter(status="accepted").count() == 1
        assert await Job.filter(kind="send").count() == 1
        texts = [p["text"] for p in group_sends(bot)]
        assert sum("已是「已受理」" in t for t in texts) == 2
        await run_jobs(bot)
        assert len(services_of(bot).local.take("resident05")) == 1


async def test_unconfigured_district_chat_fails_the_job_until_staff_chat_is_set(
        tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_office(chat=False)
        await submit("local", "resident06", "261123-NOCH")
        await run_jobs(bot)
        job = await Job.get(kind="staff_notice")
        assert job.status == "failed" and "no staff chat" in str(job.error)
        assert await status_of("261123-NOCH") == "submitted"
        assert group_sends(bot) == []
        # What `run.py staff chat` does: set the chat and queue the waiting proposals again.
        await staff.set_chat("士林區", "telegram", str(GROUP))
        assert await resend_backlog("士林區") == 1
        assert "受理" in await _card_for(bot, "261123-NOCH")


async def test_unfollowed_resident_gets_nothing_and_nothing_crashes(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_office()
        await submit("line", LINE_USER, "261123-UNFO")
        await people.set_followed("line", LINE_USER, False)
        await _press(bot, CLERK, (await _card_for(bot, "261123-UNFO"))["受理"])
        assert await status_of("261123-UNFO") == "accepted"
        await run_jobs(bot)
        job = await Job.get(kind="send")
        assert job.status == "failed" and "unfollowed" in str(job.error)
        assert not [r for r in bot.line.requests if r.path == "/v2/bot/message/push"]


async def test_resident_who_deleted_their_data_is_not_notified(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_office()
        await submit("local", "resident07", "261123-GONE")
        await people.delete_user("local", "resident07")
        await _press(bot, CLERK, (await _card_for(bot, "261123-GONE"))["受理"])
        assert await status_of("261123-GONE") == "accepted"
        assert "無法通知" in "\n".join(p["text"] for p in group_sends(bot))
        assert not await Job.filter(kind="send").exists()


async def test_staff_card_is_plain_text_so_markup_is_shown_not_run(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_office()
        title = "<b>免費</b> *粗體* [點我](http://x.example)"
        await submit("local", "resident08", "261123-INJX", title=title, place="<a href='x'>")
        await _card_for(bot, "261123-INJX")
        card = last_card(bot)
        assert title in card["text"] and "<a href='x'>" in card["text"]
        assert all("parse_mode" not in p for p in group_sends(bot))


async def test_whoami_in_the_group_gives_both_ids(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        commands = next(c for c in bot.telegram.calls if c.method == "setMyCommands")
        assert "whoami" in str(commands.params["commands"])
        await bot.post_telegram(group_message(CLERK, "/whoami@civic_test_bot"))
        await bot.telegram.wait_for("sendMessage", 1)
        text = group_sends(bot)[-1]["text"]
        assert str(GROUP) in text and str(CLERK) in text


async def test_forged_or_unknown_buttons_change_nothing(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_office()
        await submit("local", "resident09", "261123-FORG")
        await _press(bot, CLERK, "|st|261123-FORG:done")  # not a move from submitted
        await _press(bot, CLERK, "|st|261123-FORG:nonsense")
        await _press(bot, CLERK, "|st|NO-SUCH-REF:accepted")
        texts = [p["text"] for p in group_sends(bot)]
        assert "已是「已送出，待區公所受理」" in texts[0]
        assert "失效" in texts[1] and "找不到" in texts[2]
        assert await status_of("261123-FORG") == "submitted"


async def test_status_change_is_conditional_and_a_stale_one_is_a_conflict(db: str) -> None:
    await submit("local", "resident10", "261123-COND")
    msg = Incoming(platform="telegram", chat_id=str(GROUP), user_id=str(CLERK))
    change = {"ref": "261123-COND", "old": "submitted", "new": "accepted", "note": "",
              "actor": f"staff:telegram:{CLERK}"}
    await apply_effect(msg, Effect("proposal_status", change))
    with pytest.raises(Conflict):  # the same move again: someone was first
        await apply_effect(msg, Effect("proposal_status", change))
    assert not await proposals.set_status("261123-COND", "submitted", "rejected", "x", "a")
    assert [e.status for e in await ProposalEvent.all().order_by("id")] == [
        "submitted", "accepted"]


async def test_roles_chats_and_the_backlog_on_each_backend(db: str) -> None:
    await set_up_office(chat=False)
    assert not await staff.add_role("telegram", str(CLERK), "士林區")  # had it already
    assert await staff.districts_of("telegram", str(CLERK)) == {"士林區"}
    await staff.set_chat("士林區", "telegram", "-1")
    await staff.set_chat("士林區", "telegram", str(GROUP))  # replaces, never two
    assert [(c.district, c.chat_id) for c in await staff.chats()] == [("士林區", str(GROUP))]
    await submit("local", "resident11", "261123-BK01")
    await submit("local", "resident12", "261123-BK02", district="北投區")
    await proposals.set_status("261123-BK01", "submitted", "accepted", "", "test")
    await submit("local", "resident13", "261123-BK03")
    assert await resend_backlog("士林區") == 1  # only 士林區's, only those still waiting
    assert await resend_backlog("士林區") == 1  # a second `staff chat` sends again
    assert await Job.filter(kind="staff_notice").count() == 3 + 2


async def test_a_resident_who_wrote_english_is_told_in_english(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        services = services_of(bot)
        await set_up_office()
        resident = Chat(services.dispatcher, user="resident02")
        await resident.send("I want to propose")
        assert "step by step" in resident.text
        for answer in ("Shade for Shilin Park", "Shilin", "士林公園", "parks",
                       "The sun is too strong for older people resting in the park.",
                       "Add three shade shelters with benches.", "older neighbours",
                       "skip", "no"):
            await resident.send(answer)
        await resident.press("Submit")
        ref = str((await Proposal.get(user_id="resident02")).ref)
        assert (await Proposal.get(ref=ref)).locale == "en"
        await _press(bot, CLERK, (await _card_for(bot, ref))["受理"])
        await run_jobs(bot)
        notice = "\n".join(getattr(r, "text", "") for r in services.local.take("resident02"))
        assert ref in notice and "accepted" in notice.lower()
