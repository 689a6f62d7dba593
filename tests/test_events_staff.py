"""The district office on Telegram: /events with counts and attendee lists, check-in by code
(as a reply to the bot, or /checkin CODE), twice, and nobody outside the district's staff.

Updates go through the real webhook and adapter; the fake Bot API validates every call."""

from __future__ import annotations

from pathlib import Path

from bot.storage.models import EventRegistration
from tests.bot_harness import Bot, running_bot
from tests.chat import Chat
from tests.events_harness import far, load, sign_up
from tests.staff_harness import (
    BEITOU_CLERK,
    CLERK,
    OTHER_CLERK,
    STRANGER,
    buttons,
    group_message,
    group_sends,
    press,
    reply,
    services_of,
    set_up_office,
)


async def _say(bot: Bot, update: dict[str, object]) -> str:
    before = len(group_sends(bot))
    assert (await bot.post_telegram(update)).status == 200
    await bot.settle()
    return "\n".join(p["text"] for p in group_sends(bot)[before:])


async def _office(bot: Bot) -> tuple[str, str]:
    """士林區's office, a walk with two residents (one gave a phone), and their codes."""
    await set_up_office()
    later = {"starts": far().starts.replace(day=21), "ends": far().ends.replace(day=21)}
    await load(far(capacity=3), far("phones", title="需要電話的課", kind="course-basic",
                                    needs_phone=True, **later),
               far("beitou", district="北投區", title="北投走讀"))
    services = services_of(bot)
    await sign_up(Chat(services.dispatcher, user="resident01"), name="王小明")
    await sign_up(Chat(services.dispatcher, user="resident02"), event_id="phones",
                  name="李小華", phone="0912345678")
    codes = {r.user_id: r.code for r in await EventRegistration.all()}
    return codes["resident01"], codes["resident02"]


async def test_events_lists_counts_and_attendees_with_phones_only_where_collected(
        tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await _office(bot)
        text = await _say(bot, group_message(CLERK, "/events"))
        assert "士林區即將舉行的活動" in text and "北投走讀" not in text
        assert "報名 1/3・候補 0・已報到 0" in text
        listed = buttons(group_sends(bot)[-1])
        assert set(listed) == {"名單 1", "名單 2"}
        assert all(len(d.encode()) <= 64 for d in listed.values())
        first = await _say(bot, press(OTHER_CLERK, listed["名單 1"]))  # any clerk may press
        second = await _say(bot, press(CLERK, listed["名單 2"]))
        lists = {first.split("（")[0]: first, second.split("（")[0]: second}
        assert "王小明" in lists["士林走讀測試場"] and "電話" not in lists["士林走讀測試場"]
        assert "李小華" in lists["需要電話的課"] and "電話 0912345678" in lists["需要電話的課"]
        assert bot.telegram.errors == []


async def test_check_in_by_replying_with_the_code_then_again(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        code, _ = await _office(bot)
        await _say(bot, group_message(CLERK, "/events"))
        warned = await _say(bot, reply(OTHER_CLERK, code.lower()))
        assert "今天不是活動日" in warned  # the walk is in 2099: a way to go ahead
        go = buttons(group_sends(bot)[-1])["仍要報到"]
        done = await _say(bot, press(OTHER_CLERK, go))
        assert "報到完成：王小明" in done and "已報到 1/1" in done
        row = await EventRegistration.get(code=code)
        assert row.checked_in_at is not None and row.checked_in_by == f"telegram:{OTHER_CLERK}"
        again = await _say(bot, group_message(CLERK, f"/checkin {code}"))
        assert "已經在" in again and "報到過了" in again
        assert (await EventRegistration.get(code=code)).checked_in_at == row.checked_in_at
        listed = buttons(next(p for p in group_sends(bot) if buttons(p)))
        assert "✅" in await _say(bot, press(CLERK, listed["名單 1"]))
        assert "8 碼報到代碼" in await _say(bot, group_message(CLERK, "/checkin"))
        assert "找不到報到代碼 ABCD2345" in await _say(bot, group_message(CLERK,
                                                                       "/checkin ABCD2345"))


async def test_nobody_outside_the_district_s_staff_lists_or_checks_in(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        code, _ = await _office(bot)
        assert "只限區公所承辦人" in await _say(bot, group_message(STRANGER, "/events"))
        assert "只限區公所承辦人" in await _say(bot, reply(STRANGER, code))
        assert "只限區公所承辦人" in await _say(bot, group_message(STRANGER, f"/checkin {code}"))
        # 北投區's clerk in 士林區's group sees nothing of 士林區.
        assert "只限區公所承辦人" in await _say(bot, group_message(BEITOU_CLERK, "/events"))
        assert not any(buttons(p) for p in group_sends(bot))  # no list was shown to them
        await _say(bot, group_message(CLERK, "/events"))
        listed = buttons(group_sends(bot)[-1])
        refused = await _say(bot, press(BEITOU_CLERK, listed["名單 1"]))
        assert "沒有士林區活動的承辦權限" in refused and "王小明" not in refused
        assert "沒有士林區活動的承辦權限" in await _say(bot, press(STRANGER, listed["名單 1"]))
        # In a private chat the 北投 clerk has 北投區 only: 士林區's code is not found.
        private = {"update_id": 880001, "message": {
            "message_id": 1, "date": 1, "chat": {"id": BEITOU_CLERK, "type": "private"},
            "from": {"id": BEITOU_CLERK, "is_bot": False, "first_name": "北投"},
            "text": f"/checkin {code}",
            "entities": [{"type": "bot_command", "offset": 0, "length": 8}]}}
        assert (await bot.post_telegram(private)).status == 200
        await bot.settle()
        assert "找不到報到代碼" in bot.telegram.sent_texts(BEITOU_CLERK)[-1]
        assert (await EventRegistration.get(code=code)).checked_in_at is None
        assert bot.telegram.errors == []


async def test_a_bare_code_that_is_not_a_reply_never_reaches_the_bot(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        code, _ = await _office(bot)
        assert await _say(bot, group_message(CLERK, code)) == ""  # privacy mode: not for us
        assert (await EventRegistration.get(code=code)).checked_in_at is None
