"""Residents in the local chat: browse, sign up, duplicates, waiting list, cancel, seat offers
(taken, refused, expired), 「我的資料」. A fake clock drives every time-based step."""

from __future__ import annotations

from datetime import datetime

from bot.adapters.common import reply_text
from bot.core.types import Carousel, Context, Incoming
from bot.events.policy import JOB_EXPIRE, JOB_OFFER, JOB_REMIND, TAIPEI
from bot.handlers.events import browse
from bot.nlp.understander import Understanding
from bot.runtime.services import Services
from bot.storage.models import EventRegistration, Job
from tests.chat import Chat
from tests.events_harness import (
    World,
    far,
    load,
    pending,
    press_for,
    resident,
    run_jobs,
    sign_up,
    spec,
    statuses,
)


def pushed(services: Services, chat: Chat) -> str:
    """What was pushed to a local resident since the last look."""
    return "\n".join(reply_text(r) for r in services.local.take(chat.user))


def tp(*args: int) -> datetime:
    return datetime(*args, tzinfo=TAIPEI)  # type: ignore[misc]


async def _ask(services: Services, text: str, action: str | None) -> list[str]:
    """What the events flow shows for text when the NLP says `register` (action)."""
    u = Understanding("register", action, (), "high", "zh")
    msg = Incoming(platform="local", chat_id="r1", user_id="r1", text=text)
    turn = await browse.start(msg, u, Context(), services.deps, "zh-TW")
    reply = turn.replies[0]
    return [c.title for c in reply.cards] if isinstance(reply, Carousel) else [reply_text(reply)]


async def test_browse_by_kind_district_and_date_soonest_first(world: World) -> None:
    services, _ = world
    await load(spec("shilin-later", starts=tp(2027, 4, 10, 14), ends=tp(2027, 4, 10, 16),
                    title="士林四月走讀"),
               spec("shilin-walk"), spec("daan-walk", district="大安區", title="大安走讀",
                                         starts=tp(2027, 3, 20, 9), ends=tp(2027, 3, 20, 11)),
               spec("basic", kind="course-basic", district="全市", title="初階課程",
                    starts=tp(2027, 3, 27, 14), ends=tp(2027, 3, 27, 17)),
               spec("old", title="已結束", starts=tp(2027, 2, 1, 9), ends=tp(2027, 2, 1, 11)),
               spec("off", title="停辦場", status="cancelled"))
    chat = resident(services, 1)
    await chat.send("我想報名走讀")  # today's intent rules: register, action walk
    assert chat.meta["intent"] == "register"
    carousel = chat.replies[0]
    assert isinstance(carousel, Carousel)
    assert [c.title for c in carousel.cards] == ["士林走讀測試場", "大安走讀", "士林四月走讀"]
    first = carousel.cards[0]
    assert ("日期", "3/13（六）") in first.fields and ("時間", "09:30–11:30") in first.fields
    assert ("地點", "士林區公所前") in first.fields
    assert ("名額", "剩 2 位（共 2 位）") in first.fields
    assert [c.label for c in first.choices] == ["報名"]
    assert "已結束" not in chat.text and "停辦場" not in chat.text
    # Browse requests, which the NLP being rewritten maps to `register` as well.
    assert await _ask(services, "士林區這個月有什麼活動", None) == ["士林走讀測試場", "初階課程"]
    assert await _ask(services, "有什麼課程", None) == ["初階課程"]
    assert await _ask(services, "士林區4月", None) == ["士林四月走讀"]
    none = (await _ask(services, "大安區下個月有什麼課程", "course"))[0]
    assert "這裡目前沒有「大安區・4/1（四）–4/30（五）・初階課程、進階課程、審議員培訓」" in none


async def test_menu_and_typed_word_list_everything_with_pages(world: World) -> None:
    services, _ = world
    await load(*(spec(f"walk-{n:02d}", starts=tp(2027, 3, 13 + n, 9), ends=tp(2027, 3, 13 + n, 11))
                 for n in range(12)))
    chat = resident(services, 1)
    await chat.send("選單")
    await chat.press("活動報名")
    assert chat.text.startswith("近期可報名的活動，依日期排序（10／共 12 場）")
    await chat.send("活動報名")  # what a LINE rich-menu tile sends
    assert len(chat.replies[0].cards) == 10  # type: ignore[union-attr]
    await chat.press("更多活動")
    assert "（11–12／共 12 場）" in chat.text
    assert [c.payload.rsplit("|", 1)[1] for c in chat.choices
            if "|events.register|" in c.payload] == ["walk-10", "walk-11"]


async def test_sign_up_gives_a_code_a_calendar_link_and_reminders(world: World) -> None:
    services, _ = world
    await load(spec())
    chat = resident(services, 1)
    await chat.send("活動報名")
    await press_for(chat, "|events.register|shilin-walk")
    assert "會儲存您填寫的姓名" in chat.text and "電話" not in chat.text  # consent first
    assert await EventRegistration.all().count() == 0
    await chat.press("同意並報名")
    assert "請輸入報名用的姓名" in chat.text
    await chat.send("   ")  # nothing typed: asked again, nothing lost
    await chat.send("王" * 21)
    assert "1–20 個字" in chat.text
    await chat.send("王小明")
    row = await EventRegistration.get()
    assert "報名成功" in chat.text and row.code in chat.text and row.name == "王小明"
    assert f"/e/{row.token}.ics" in chat.text and row.status == "registered"
    assert row.phone is None
    reminders = await pending(JOB_REMIND)
    assert [(j.run_at.astimezone(TAIPEI).day, j.run_at.astimezone(TAIPEI).hour)
            for j in reminders] == [(12, 18), (13, 8)]  # 3/12 18:00; 07:30 is quiet, so 08:00
    # A second sign-up says so and shows the code.
    await chat.send("活動報名")
    await press_for(chat, "|events.register|shilin-walk")
    assert "已經報名" in chat.text and row.code in chat.text
    assert await EventRegistration.all().count() == 1


async def test_declining_consent_stores_nothing_and_a_phone_is_asked_only_when_needed(
        world: World) -> None:
    services, _ = world
    await load(spec(), spec("deliberator", kind="course-deliberator", needs_phone=True,
                            title="審議員培訓測試"))
    chat = resident(services, 1)
    await chat.send("活動報名")
    await press_for(chat, "|events.register|shilin-walk")
    await chat.press("不同意")
    assert "沒有儲存任何資料" in chat.text and await EventRegistration.all().count() == 0
    await chat.send("活動報名")
    await press_for(chat, "|events.register|deliberator")
    assert "電話" in chat.text
    await chat.press("同意")
    await chat.send("王小明")
    assert "聯絡電話" in chat.text
    await chat.send("12345")
    assert "格式不太對" in chat.text and await EventRegistration.all().count() == 0
    await chat.send("0912-345-678")
    assert (await EventRegistration.get()).phone == "0912345678"
    # Next time the name is offered back.
    await chat.send("活動報名")
    await press_for(chat, "|events.register|shilin-walk")
    await chat.press("同意")
    await chat.press("用「王小明」")
    assert "報名成功" in chat.text


async def test_cancel_mid_way_and_typed_text_at_the_consent_step(world: World) -> None:
    services, _ = world
    await load(spec())
    chat = resident(services, 1)
    await chat.send("活動報名")
    await press_for(chat, "|events.register|shilin-walk")
    await chat.send("好啊")
    assert "請用上面的按鈕回答" in chat.text and "同意並報名" in [c.label for c in chat.choices]
    await chat.press("同意")
    await chat.send("取消")
    assert "已停止報名" in chat.text and await EventRegistration.all().count() == 0


async def test_full_event_offers_the_waiting_list_with_places(world: World) -> None:
    services, _ = world
    await load(spec())
    for n in (1, 2):
        await sign_up(resident(services, n), name=f"住民{n}")
    third = resident(services, 3)
    await third.send("活動報名")
    assert "額滿，可候補" in third.text
    await press_for(third, "|events.register|shilin-walk")
    assert "目前已額滿" in third.text
    await third.press("同意並候補")
    await third.send("住民3")
    assert "排入候補，目前第 1 位" in third.text
    fourth = resident(services, 4)
    assert "目前第 2 位" in await sign_up(fourth, name="住民4")
    await fourth.send("我的報名")
    assert "候補第 2 位" in fourth.text and "取消候補" in [c.label for c in fourth.choices]
    assert await pending(JOB_REMIND) != [] and len(await pending(JOB_REMIND)) == 4  # seats only
    assert (await statuses("shilin-walk")) == {"resident01": "registered",
                                               "resident02": "registered",
                                               "resident03": "waiting", "resident04": "waiting"}


async def test_cancel_frees_the_seat_for_the_first_in_line_who_takes_it(world: World) -> None:
    services, clock = world
    await load(spec())
    first, second, third, fourth = (resident(services, n) for n in (1, 2, 3, 4))
    for n, chat in enumerate((first, second, third, fourth), 1):
        await sign_up(chat, name=f"住民{n}")
    await first.send("我的報名")
    await first.press("取消報名")
    assert "確定要取消" in first.text and (await statuses("shilin-walk"))["resident01"]
    await first.press("保留")
    assert "保留您的報名" in first.text
    await first.send("我的報名")
    await first.press("取消報名")
    await first.press("確定取消")
    assert "已取消" in first.text
    assert "resident01" not in await statuses("shilin-walk")
    assert (await statuses("shilin-walk"))["resident03"] == "offered"
    assert len(await pending(JOB_REMIND)) == 2  # the cancelled seat's reminders are gone
    await run_jobs(services)
    offer = pushed(services, third)
    assert "有名額了" in offer and "3/2（二） 10:00" in offer  # held 24 hours
    assert pushed(services, fourth) == ""
    clock.advance(hours=3)
    await third.send("我的報名")
    assert "有名額！請在 3/2（二） 10:00 前確認" in third.text
    await third.press("接受名額")
    assert "報名成功" in third.text
    assert (await statuses("shilin-walk"))["resident03"] == "registered"
    assert len(await pending(JOB_REMIND)) == 4
    clock.advance(hours=30)
    await run_jobs(services)  # the offer's expiry finds it taken: nothing happens
    assert (await statuses("shilin-walk"))["resident04"] == "waiting"


async def test_refused_offer_goes_to_the_next(world: World) -> None:
    services, _ = world
    await load(spec(capacity=1))
    people = [resident(services, n) for n in (1, 2, 3)]
    for chat in people:
        await sign_up(chat)
    await people[0].send("我的報名")
    await people[0].press("取消報名")
    await people[0].press("確定取消")
    await run_jobs(services)
    assert "有名額了" in pushed(services, people[1])
    # The pushed buttons carry no nonce: they work whenever pressed.
    second = await EventRegistration.get(user_id="resident02")
    await people[1].press_payload(f"|evor|{second.id}")
    assert "名額已讓給下一位" in people[1].text
    assert await statuses("shilin-walk") == {"resident03": "offered"}
    await run_jobs(services)
    assert "有名額了" in pushed(services, people[2])


async def test_expired_offer_passes_on_and_tells_the_one_who_missed_it(world: World) -> None:
    services, clock = world
    await load(spec(capacity=1))
    people = [resident(services, n) for n in (1, 2, 3)]
    for chat in people:
        await sign_up(chat)
    await people[0].send("我的報名")
    await people[0].press("取消報名")
    await people[0].press("確定取消")
    await run_jobs(services)
    second_id = (await EventRegistration.get(user_id="resident02")).id
    clock.advance(hours=23, minutes=59)
    await run_jobs(services)
    assert (await statuses("shilin-walk"))["resident02"] == "offered"
    clock.advance(minutes=2)
    await run_jobs(services)
    assert await statuses("shilin-walk") == {"resident03": "offered"}
    assert "已在 3/2（二） 10:00 到期" in pushed(services, people[1])
    assert "有名額了" in pushed(services, people[2])
    await people[1].press_payload(f"|evoa|{second_id}")  # too late
    assert "已經過期" in people[1].text
    assert await statuses("shilin-walk") == {"resident03": "offered"}


async def test_nobody_is_offered_a_seat_near_or_after_the_start(world: World) -> None:
    services, clock = world
    await load(spec(capacity=1))
    people = [resident(services, n) for n in (1, 2, 3)]
    for chat in people:
        await sign_up(chat)
    clock.at(2027, 3, 13, 8, 0)  # 90 minutes before the start
    await people[0].send("我的報名")
    await people[0].press("取消報名")
    await people[0].press("確定取消")
    assert await statuses("shilin-walk") == {"resident02": "waiting", "resident03": "waiting"}
    assert await pending(JOB_OFFER) == []
    # The free seat now goes to whoever asks first (the offers have stopped).
    late = resident(services, 9)
    assert "報名成功" in await sign_up(late)
    clock.at(2027, 3, 13, 9, 31)
    await late.send("活動報名")
    assert "目前沒有可以線上報名的走讀或課程" in late.text


async def test_an_offer_for_an_event_moved_closer_expires_two_hours_before(
        world: World) -> None:
    services, clock = world
    await load(spec(capacity=1))
    for n in (1, 2):
        await sign_up(resident(services, n))
    clock.at(2027, 3, 12, 20, 0)
    first = resident(services, 1)
    await first.send("我的報名")
    await first.press("取消報名")
    await first.press("確定取消")
    expiry = (await pending(JOB_EXPIRE))[0]
    assert expiry.run_at.astimezone(TAIPEI) == tp(2027, 3, 13, 7, 30)
    offered = await EventRegistration.get(user_id="resident02")
    assert offered.offer_until is not None
    assert offered.offer_until.astimezone(TAIPEI) == tp(2027, 3, 13, 7, 30)


async def test_my_data_shows_and_deletes_registrations_and_frees_the_seat(
        world: World) -> None:
    services, _ = world
    # Deleting uses the real time to offer the freed seat on: an event far ahead.
    await load(far(capacity=1), far("other", title="另一場"))
    first, second = resident(services, 1), resident(services, 2)
    await sign_up(first)
    await sign_up(first, event_id="other")
    await sign_up(second)
    await first.send("我的資料")
    assert "・活動報名：2 筆" in first.text
    await second.send("我的資料")
    assert "活動候補：1 筆" in second.text
    await first.press("刪除我的資料")
    await first.press("確定刪除")
    assert not await EventRegistration.filter(user_id="resident01").exists()
    assert await statuses("shilin-walk") == {"resident02": "offered"}
    assert await Job.filter(kind=JOB_REMIND, status="pending").count() == 0


async def test_buttons_for_someone_else_s_registration_change_nothing(world: World) -> None:
    services, _ = world
    await load(spec())
    owner, other = resident(services, 1), resident(services, 2)
    await sign_up(owner)
    reg = await EventRegistration.get()
    for action in ("evx", "evoa", "evor"):
        await other.press_payload(f"|{action}|{reg.id}")
    await other.press_payload("|evx|not-a-number")
    await other.press_payload("|evr|no-such-event")
    assert "找不到這個活動" in other.text
    assert await statuses("shilin-walk") == {"resident01": "registered"}


async def test_an_offer_cannot_be_taken_once_a_moved_event_is_near(world: World) -> None:
    services, clock = world
    await load(spec(capacity=1))
    first, second = resident(services, 1), resident(services, 2)
    await sign_up(first)
    await sign_up(second)
    await first.send("我的報名")
    await first.press("取消報名")
    await first.press("確定取消")  # held for the second until 3/2 10:00
    await load(spec(capacity=1, starts=tp(2027, 3, 1, 13), ends=tp(2027, 3, 1, 15)),
               now=clock())  # moved to this afternoon
    clock.at(2027, 3, 1, 11, 30)  # 90 minutes before the new start
    second_id = (await EventRegistration.get(user_id="resident02")).id
    await second.press_payload(f"|evoa|{second_id}")
    assert "已經過期" in second.text
    assert (await statuses("shilin-walk"))["resident02"] == "offered"  # not promoted


async def test_a_sign_up_question_leads_to_the_bots_own_list_while_events_are_open(
        world: World) -> None:
    services, _ = world
    chat = resident(services, 1)
    await chat.send("走讀要怎麼報名")      # nothing open yet: the FAQ's honest answer
    assert chat.meta["intent"] == "faq" and "pb.taipei" in chat.text
    await load(spec("shilin-walk"))
    await chat.send("走讀要怎麼報名")      # walks open: the bot's own list and its buttons
    assert chat.meta["intent"] == "register"
    assert isinstance(chat.replies[0], Carousel)
    assert "報名" in [c.label for c in chat.choices]
    await chat.send("課程怎麼報名")        # no course open: still the FAQ's answer
    assert chat.meta["intent"] == "faq"
