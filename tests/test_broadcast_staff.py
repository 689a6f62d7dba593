"""District broadcasts from the staff group on Telegram (/broadcast: text, audience, time,
preview, confirm), role checks, the quota refusal, quiet hours; and the audience registry."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.broadcasts import audiences
from bot.proposals.dates import TAIPEI
from bot.storage import people, subscriptions
from bot.storage.models import Broadcast, Job
from tests.bot_harness import Bot, running_bot
from tests.delivery_harness import followers, line_user, news_subscribers
from tests.staff_harness import (
    CLERK,
    STRANGER,
    buttons,
    group_message,
    group_sends,
    press,
    reply,
    run_jobs,
    services_of,
    set_up_office,
)


async def _say(bot: Bot, update: dict[str, object]) -> dict[str, object]:
    assert (await bot.post_telegram(update)).status == 200
    await bot.settle()
    return group_sends(bot)[-1]


async def _compose(bot: Bot, text: str, audience_label: str) -> dict[str, object]:
    await _say(bot, group_message(CLERK, "/broadcast"))
    asked = await _say(bot, reply(CLERK, text))
    await _say(bot, press(CLERK, buttons(asked)[audience_label]))
    when = group_sends(bot)[-1]
    return await _say(bot, press(CLERK, buttons(when)["立即發送"]))


async def test_a_clerk_previews_confirms_and_residents_get_it(tmp_path: Path) -> None:
    async with running_bot(tmp_path, quiet_hours="off") as bot:
        await set_up_office()
        await news_subscribers("line", [line_user(i) for i in range(1, 4)])
        await news_subscribers("telegram", ["8801"])
        bot.line.quota = 1000
        preview = await _compose(bot, "士林區公所週六淨山，歡迎參加！", "士林區活動通知訂閱者")
        text = str(preview["text"])
        assert "LINE 3、Telegram 1（共 4 人）" in text and "週六淨山" in text
        assert "LINE 訊息用量：3 則；本月剩餘 1,000 則" in text
        assert not bot.line.received  # nothing before the confirmation
        await _say(bot, press(CLERK, buttons(preview)["確認發送"]))
        assert "已排定發送" in str(group_sends(bot)[-1]["text"])
        await _delivered(bot)
        assert set(bot.line.received) == {line_user(i) for i in range(1, 4)}
        assert bot.telegram.received["8801"] == 1
        await _reported(bot, "發送完成")


async def _reported(bot: Bot, words: str, timeout: float = 10.0) -> None:
    """Wait for the report to reach the staff group (the app's own job runner may be the one
    sending it, a moment after the batches are done)."""
    async with asyncio.timeout(timeout):
        while not any(words in str(p["text"]) for p in group_sends(bot)):
            await run_jobs(bot)
            await asyncio.sleep(0.05)


async def _delivered(bot: Bot) -> None:
    services = services_of(bot)
    for _ in range(50):
        await run_jobs(bot)
        busy = [await services.engine.run_once(p) for p in services.engine.platforms]
        if not any(busy) and not await Broadcast.filter(status__in=("scheduled",
                                                                    "sending")).exists():
            await run_jobs(bot)
            return
    raise AssertionError("broadcast did not finish")


async def test_over_the_quota_cannot_be_confirmed(tmp_path: Path) -> None:
    async with running_bot(tmp_path, quiet_hours="off") as bot:
        await set_up_office()
        await news_subscribers("line", [line_user(i) for i in range(1, 6)])
        bot.line.quota, bot.line.used = 100, 97
        preview = await _compose(bot, "通知", "士林區活動通知訂閱者")
        assert "需要 5 則 LINE 訊息，但本月只剩 3 則" in str(preview["text"])
        assert set(buttons(preview)) == {"取消"}
        assert not await Broadcast.exists()


async def test_only_staff_of_the_district_may_broadcast(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_office()
        refused = await _say(bot, group_message(STRANGER, "/broadcast"))
        assert "沒有士林區的權限" in str(refused["text"])
        await _say(bot, group_message(CLERK, "/broadcast"))
        asked = await _say(bot, reply(CLERK, "通知"))
        assert "所有追蹤機器人的好友" not in buttons(asked)  # citywide needs an all-districts role
        typed = await _say(bot, reply(CLERK, "district:北投區"))
        assert "只能發送給士林區" in str(typed["text"])
        await _say(bot, group_message(CLERK, "/cancel"))
        assert not await Broadcast.exists()
        private = group_message(CLERK, "/broadcast")
        private["message"]["chat"] = {"id": CLERK, "type": "private"}  # type: ignore[index]
        assert (await bot.post_telegram(private)).status == 200
        await bot.settle()
        assert "工作群組" in bot.telegram.sent_texts(CLERK)[-1]


def _quiet_around_now() -> str:
    now = datetime.now(TAIPEI)
    return f"{now - timedelta(hours=1):%H:%M}-{now + timedelta(hours=1):%H:%M}"


async def test_quiet_hours_offer_urgent_and_hold_the_rest(tmp_path: Path) -> None:
    async with running_bot(tmp_path, quiet_hours=_quiet_around_now()) as bot:
        await set_up_office()
        await news_subscribers("telegram", ["8802"])
        preview = await _compose(bot, "颱風停班停課通知", "士林區活動通知訂閱者")
        assert "夜間" in str(preview["text"]) and "緊急發送（夜間也送）" in buttons(preview)
        await _say(bot, press(CLERK, buttons(preview)["確認發送"]))
        await services_of(bot).jobs.run_once()
        assert await Job.filter(kind="broadcast_start", status="pending").count() == 1
        held = await Broadcast.get(audience="district:士林區")
        assert held.status == "scheduled" and not bot.telegram.received["8802"]


async def test_audience_registry_resolves_registered_prefixes(sqlite_db: str) -> None:
    async def event(arg: str) -> list[tuple[str, str]]:
        assert arg == "12"
        return [("line", line_user(1)), ("line", line_user(1)), ("telegram", "9"),
                ("line", line_user(2))]

    audiences.register("testevent", event)
    await followers("line", [line_user(1), line_user(2)])
    await people.set_followed("line", line_user(2), False)
    found = await audiences.resolve("testevent:12")
    assert [(r.platform, r.user_id) for r in found] == [("line", line_user(1)), ("telegram", "9")]
    with pytest.raises(audiences.UnknownAudience):
        await audiences.resolve("nosuch:1")
    await subscriptions.add("telegram", "9", "ivoting", "全市")
    await subscriptions.add("telegram", "10", "ivoting", "北投區")
    assert {r.user_id for r in await audiences.resolve("ivoting:士林區")} == {"9"}
    assert {r.user_id for r in await audiences.resolve("ivoting")} == {"9", "10"}
    assert {r.user_id for r in await audiences.resolve("all")} == {line_user(1)}
