"""Issue 22, point 8: check-in at the door from the staff group: a warning outside the event's
day with 仍要報到, a code one slip away offered (「是 RQZ8ZGQT 嗎？」), a look-up by name, and
復原報到 within 10 minutes. Through the webhook and the fake Bot API (every call validated)."""

from __future__ import annotations

from pathlib import Path

from bot.events.codes import CODE_CHARS
from bot.storage.models import EventRegistration
from tests.bot_harness import Bot, running_bot
from tests.chat import Chat
from tests.events_harness import FakeClock, clocked_deps, far, load, sign_up
from tests.staff_harness import (
    CLERK,
    buttons,
    group_message,
    group_sends,
    press,
    services_of,
    set_up_office,
)


async def _say(bot: Bot, update: dict[str, object]) -> dict[str, object]:
    assert (await bot.post_telegram(update)).status == 200
    await bot.settle()
    return group_sends(bot)[-1]


def _slip(code: str) -> str:
    """The code with its fourth character typed wrong."""
    other = next(c for c in CODE_CHARS if c != code[3])
    return code[:3] + other + code[4:]


async def test_day_warning_slip_name_and_undo(tmp_path: Path) -> None:
    clock = FakeClock()
    clock.at(2099, 3, 13, 10, 0)  # the day before the walk (2099-03-14 09:30)
    async with running_bot(tmp_path, deps=clocked_deps(clock)) as bot:
        await set_up_office()
        await load(far(capacity=5), now=clock.now)
        dispatcher = services_of(bot).dispatcher
        await sign_up(Chat(dispatcher, user="resident01"), name="王小明")
        await sign_up(Chat(dispatcher, user="resident02"), name="李小華")
        code = (await EventRegistration.get(user_id="resident01")).code

        early = await _say(bot, group_message(CLERK, f"/checkin {code}"))
        assert "今天不是活動日" in str(early["text"]) and "仍要報到" in buttons(early)
        assert (await EventRegistration.get(code=code)).checked_in_at is None

        clock.at(2099, 3, 14, 9, 0)  # the walk's morning
        offered = await _say(bot, group_message(CLERK, f"/checkin {_slip(code)}"))
        assert f"是 {code} 嗎？" in str(offered["text"])
        done = await _say(bot, press(CLERK, buttons(offered)[f"是，王小明（{code}）報到"]))
        assert "報到完成：王小明" in str(done["text"])
        assert (await EventRegistration.get(code=code)).checked_in_at is not None
        undone = await _say(bot, press(CLERK, buttons(done)["復原報到（10 分鐘內）"]))
        assert "已復原" in str(undone["text"])
        assert (await EventRegistration.get(code=code)).checked_in_at is None

        named = await _say(bot, group_message(CLERK, "/checkin 小華"))
        [label] = [b for b in buttons(named) if "李小華" in b]
        done = await _say(bot, press(CLERK, buttons(named)[label]))
        assert "報到完成：李小華" in str(done["text"])
        clock.advance(minutes=11)
        late = await _say(bot, press(CLERK, buttons(done)["復原報到（10 分鐘內）"]))
        assert "無法復原" in str(late["text"])
        assert (await EventRegistration.get(user_id="resident02")).checked_in_at is not None
        assert not bot.telegram.errors
