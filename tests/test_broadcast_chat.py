"""Issue 22, points 3 and 5: one way of showing times (Asia/Taipei, date, weekday, 24-hour)
and broadcasts the office controls from its chat: a deferred broadcast says when it was asked
for and when it goes; /broadcasts lists them with a cancel button and a confirm step; the
audience step offers each upcoming event and its waiting list by title and date; the CLI's
preview names --urgent, its cancel tells the chat; the quota counts scheduled broadcasts;
`--audience all` leaves staff out.

Everything a clerk does goes through the webhook and the fake Bot API (validated)."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.broadcasts import audiences
from bot.broadcasts.compose import preview, schedule
from bot.core.types import Text
from bot.delivery.ports import Quota
from bot.proposals.dates import TAIPEI
from bot.storage.models import Broadcast, Job
from bot.storage.proposals import staff
from tests.bot_harness import Bot, running_bot
from tests.delivery_harness import followers, line_user, news_subscribers
from tests.events_harness import far, load
from tests.staff_harness import (
    CLERK,
    GROUP,
    buttons,
    group_message,
    group_sends,
    press,
    reply,
    services_of,
    set_up_office,
)

ROOT = Path(__file__).resolve().parent.parent
WHEN = re.compile(r"\d{4}-\d{2}-\d{2}（[一二三四五六日]）\d{2}:\d{2}")


async def _say(bot: Bot, update: dict[str, Any]) -> dict[str, Any]:
    assert (await bot.post_telegram(update)).status == 200
    await bot.settle()
    return group_sends(bot)[-1]


async def test_a_night_broadcast_says_when_asked_and_when_it_goes_then_is_cancelled(
        tmp_path: Path) -> None:
    async with running_bot(tmp_path, quiet_hours="22:00-08:00") as bot:
        await set_up_office()
        await news_subscribers("telegram", ["8801"])
        await _say(bot, group_message(CLERK, "/broadcast"))
        asked = await _say(bot, reply(CLERK, "明晚停水通知"))
        when = await _say(bot, press(CLERK, buttons(asked)["士林區活動通知訂閱者"]))
        await _say(bot, press(CLERK, buttons(when)["指定時間"]))
        night = (datetime.now(TAIPEI) + timedelta(days=1)).replace(hour=23, minute=30)
        shown = await _say(bot, reply(CLERK, f"{night:%m/%d} 23:30"))
        assert "緊急發送（夜間也送）" in buttons(shown) and WHEN.search(str(shown["text"]))
        done = str((await _say(bot, press(CLERK, buttons(shown)["確認發送"])))["text"])
        morning = night + timedelta(days=1)
        assert f"您指定 {night:%Y-%m-%d}" in done and "23:30" in done, done
        assert f"將於 {morning:%Y-%m-%d}" in done and "08:00 發送" in done, done
        listed = await _say(bot, group_message(CLERK, "/broadcasts"))
        text = str(listed["text"])
        assert "#1 已排定" in text and "08:00" in text and "指定" in text and "23:30" in text
        confirm = await _say(bot, press(CLERK, buttons(listed)["取消 #1"]))
        assert "確定要取消" in str(confirm["text"])
        assert (await Broadcast.get(id=1)).status == "scheduled"  # nothing before the confirm
        gone = await _say(bot, press(CLERK, buttons(confirm)["確定取消 #1"]))
        assert "已取消通知 #1" in str(gone["text"])
        assert (await Broadcast.get(id=1)).status == "cancelled"
        late = await _say(bot, press(CLERK, buttons(confirm)["確定取消 #1"]))
        assert "已無法取消" in str(late["text"])
        assert not bot.telegram.errors


async def test_the_audience_step_offers_events_by_title_and_date(tmp_path: Path) -> None:
    async with running_bot(tmp_path, quiet_hours="off") as bot:
        await set_up_office()
        await load(far("shilin-walk-dec", title="士林走讀"))
        await _say(bot, group_message(CLERK, "/broadcast"))
        asked = await _say(bot, reply(CLERK, "走讀集合地點改到捷運站"))
        labels = list(buttons(asked))
        assert "「士林走讀」（2099-03-14（六）09:30）的報名者" in labels, labels
        assert "「士林走讀」（2099-03-14（六）09:30）的候補名單" in labels
        assert not any("event:" in s or "shilin-walk" in s for s in [*labels, asked["text"]])
        when = await _say(bot, press(CLERK, buttons(asked)[labels[-1]]))
        previewed = await _say(bot, press(CLERK, buttons(when)["立即發送"]))
        assert "受眾：「士林走讀」（2099-03-14（六）09:30）的候補名單" in str(previewed["text"])
        assert "shilin-walk" not in str(previewed["text"])
        assert not bot.telegram.errors


def _run(db: str, *args: str, quiet: str = "off") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db, "QUIET_HOURS": quiet}
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=120, env=env, stdin=subprocess.DEVNULL)


async def test_the_cli_names_urgent_lists_taipei_times_and_its_cancel_tells_the_chat(
        tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_office()
        await followers("telegram", ["8801", str(CLERK)])
        await staff.add_role("telegram", "9001", staff.ALL)
        await followers("telegram", ["9001"])  # a city-wide clerk who only wrote /whoami
        db = bot.settings.database_url
        everyone = _run(db, "broadcast", "send", "--audience", "all", "--text", "停水",
                        "--at", f"{datetime.now(TAIPEI) + timedelta(days=1):%m/%d} 23:00",
                        quiet="22:00-08:00")
        assert "Telegram 1" in everyone.stdout, everyone.stdout  # staff are no residents
        assert "--urgent" in everyone.stdout and "緊急發送" not in everyone.stdout
        cast = await schedule(audience="district:士林區", replies=[Text("通知")],
                              run_at=datetime.now(TAIPEI) + timedelta(days=2), district="士林區",
                              sender=("", "", ""), urgent=False)
        listed = _run(db, "broadcast", "list").stdout
        row = r"#\d+\tscheduled\tdistrict:士林區\t\d{4}-\d{2}-\d{2} \(\w{3}\) \d\d:\d\d"
        assert re.search(row, listed), listed
        assert "Z\t" not in listed
        assert _run(db, "broadcast", "cancel", str(cast)).returncode == 0
        for _ in range(100):  # the running bot's job runner sends the note
            told = bot.telegram.sent_texts(GROUP)
            if told:
                break
            await services_of(bot).jobs.run_once()
            await asyncio.sleep(0.05)
        assert any(f"#{cast}" in t and "以指令取消" in t for t in told), told
        assert not bot.telegram.errors


class _Line:
    """A LINE multicaster with a month's quota (the preview reads only these two)."""

    def requests_for(self, replies: list[Any]) -> int:
        return 1

    async def quota(self) -> Quota:
        return Quota(limit=100, used=90)


async def test_the_quota_preview_counts_broadcasts_already_scheduled(db: str) -> None:
    await news_subscribers("line", [line_user(i) for i in range(1, 5)])
    line = _Line()
    before = await preview("district:士林區", [Text("a")], line)  # type: ignore[arg-type]
    assert before.remaining == 10 and not before.over_quota
    await schedule(audience="district:士林區", replies=[Text("a")],
                   run_at=datetime.now(TAIPEI) + timedelta(hours=3), district="士林區",
                   sender=("", "", ""), urgent=False)
    after = await preview("district:士林區", [Text("b")], line)  # type: ignore[arg-type]
    assert after.booked == 4 and after.remaining == 6
    await schedule(audience="district:士林區", replies=[Text("c")],
                   run_at=datetime.now(TAIPEI) + timedelta(hours=4), district="士林區",
                   sender=("", "", ""), urgent=False)
    full = await preview("district:士林區", [Text("d")], line)  # type: ignore[arg-type]
    assert full.remaining == 2 and full.over_quota
    assert await Job.filter(kind="broadcast_start").count() == 2
    assert {r.user_id for r in await audiences.resolve("all")} == {
        line_user(i) for i in range(1, 5)}
