"""Outages lose nothing and crashes answer once: the inbox worker against fake LINE and
Telegram servers, on each backend. The worker is driven pass by pass (back-offs skipped by
clearing the lease), so nothing here depends on the clock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.serialize import reply_to_dict
from bot.core.types import Text
from bot.services import Services, build_services
from bot.settings import load_settings
from bot.storage import inbox
from bot.storage.db import close_db, open_db
from bot.storage.models import InboundEvent
from tests.bot_harness import LINE_SECRET, TG_SECRET, TG_TOKEN, running_bot
from tests.chat import shared_deps
from tests.fakes.line_api import FakeLineApi
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.webhooks import line_postback_event, line_text_event, telegram_message_update

USER = "U" + "7" * 32
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Rig:
    """A bot's services (no web server, no background tasks) with fake platforms."""

    services: Services
    line: FakeLineApi
    telegram: FakeTelegramApi

    async def drive(self, key: str, rounds: int = 40) -> InboundEvent:
        """Run the worker, skipping back-offs, until the event is done or dead."""
        for _ in range(rounds):
            row = await InboundEvent.get(event_key=key)
            if row.status in ("done", "dead"):
                return row
            await InboundEvent.filter(id=row.id).update(locked_until=None)
            await self.services.worker.run_once()
        raise AssertionError(f"event {key} still {row.status} after {rounds} passes")


@pytest.fixture
async def rig(db: str) -> AsyncIterator[Rig]:
    async with FakeLineApi() as line, FakeTelegramApi() as telegram:
        settings = load_settings(
            database_url=db, line_channel_secret=LINE_SECRET, line_channel_access_token="t",
            line_api_base_url=line.base_url, telegram_bot_token=TG_TOKEN,
            telegram_webhook_secret=TG_SECRET, telegram_api_base_url=telegram.base_url)
        services = build_services(settings, shared_deps())
        await services.start()
        try:
            yield Rig(services, line, telegram)
        finally:
            await services.close()


async def _line_event(text: str, *, age: float = 0, token: str | None = None
                      ) -> dict[str, Any]:
    event = line_text_event(USER, text, reply_token=token)
    event["timestamp"] = int((time.time() - age) * 1000)
    await inbox.record("line", [inbox.NewEvent(event["webhookEventId"], f"line:{USER}:{USER}",
                                               event)])
    return event


async def _saved_before_a_crash(key: str, replies: list[str], **fields: Any) -> None:
    """The turn was saved (replies stored) and then the process died."""
    await InboundEvent.filter(event_key=key).update(
        status="handled", replies=json.dumps([reply_to_dict(Text(t)) for t in replies]),
        **fields)


async def test_a_reply_cut_off_by_a_crash_is_not_sent_again(rig: Rig) -> None:
    event = await _line_event("住民大會", token="tok-crash")
    await _saved_before_a_crash(event["webhookEventId"], ["答案"], reply_state="trying")
    rig.line.invalid_reply_tokens.add("tok-crash")  # the cut-off reply did reach LINE
    row = await rig.drive(event["webhookEventId"])
    assert (row.status, row.reply_state) == ("done", None)
    assert rig.line.requests == []  # the young token's 400 says it was used: answered once


async def test_an_unknown_reply_too_old_to_ask_is_pushed_and_counted(rig: Rig) -> None:
    # Killed with the reply in flight, back only after the token aged: LINE cannot tell any
    # more, so the bot errs towards a second copy (pushed once, with a retry key) and counts it.
    event = await _line_event("住民大會", age=120, token="tok-crash")
    await _saved_before_a_crash(event["webhookEventId"], ["答案"], reply_state="trying")
    rig.line.fail_next = [500]  # and the first push meets an outage: still pushed, once
    row = await rig.drive(event["webhookEventId"])
    assert (row.status, row.reply_state) == ("done", "unknown")
    assert [r.path for r in rig.line.requests] == ["/v2/bot/message/push"]
    assert rig.line.requests[0].headers["X-Line-Retry-Key"]
    assert (await inbox.unknown_replies())["pushed"] == 1


async def test_a_cut_off_reply_stays_unknown_when_its_retry_meets_an_outage(rig: Rig) -> None:
    # Found by bench/fault.py: killed with the reply in flight, then LINE down for the retry.
    event = await _line_event("住民大會", token="tok-crash")
    await _saved_before_a_crash(event["webhookEventId"], ["答案"], reply_state="trying")
    rig.line.invalid_reply_tokens.add("tok-crash")  # the cut-off reply did reach LINE
    rig.line.fail_next = [500]  # LINE is down when the retry tries the token again
    row = await rig.drive(event["webhookEventId"])
    assert row.status == "done"
    assert [r.path for r in rig.line.requests if r.path.endswith("/push")] == []  # once


@pytest.mark.parametrize(("age", "path"), [(0, "/v2/bot/message/reply"),
                                           (120, "/v2/bot/message/push")])
async def test_a_crash_before_the_reply_was_tried_still_answers(rig: Rig, age: float,
                                                                path: str) -> None:
    event = await _line_event("住民大會", age=age)
    await _saved_before_a_crash(event["webhookEventId"], ["答案"])
    assert (await rig.drive(event["webhookEventId"])).status == "done"
    assert [r.path for r in rig.line.requests] == [path]
    assert rig.line.delivered_texts() == ["答案"]


@pytest.mark.parametrize("age", [0, 120], ids=["reply", "push"])
async def test_an_outage_longer_than_five_attempts_loses_nothing(rig: Rig, age: float) -> None:
    event = await _line_event("住民大會", age=age)
    rig.line.fail_next = [500, (503, "busy"), 500, 500, 500, 500, 500, 500, 500]
    row = await rig.drive(event["webhookEventId"])
    assert row.status == "done" and row.attempts == 10
    assert len(rig.line.requests) == 1  # delivered exactly once when LINE came back
    assert "住民大會" in rig.line.delivered_texts()[0]


async def test_a_permanent_refusal_is_dead_until_inbox_retry(rig: Rig) -> None:
    event = await _line_event("住民大會", age=120)
    rig.line.fail_next = [(400, "The property, 'to', in the request body is invalid")]
    row = await rig.drive(event["webhookEventId"])
    assert row.status == "dead" and row.attempts == 1 and "LINE 400" in str(row.error)
    assert row.replies  # kept, so a retry only delivers
    assert await inbox.requeue() == 1
    assert (await rig.drive(event["webhookEventId"])).status == "done"
    assert len(rig.line.requests) == 1


async def test_transient_failures_give_up_after_the_retry_window(rig: Rig) -> None:
    event = await _line_event("住民大會", age=120)
    past = datetime.now(UTC) - inbox.RETRY_FOR - timedelta(minutes=1)
    await InboundEvent.filter(event_key=event["webhookEventId"]).update(received_at=past)
    rig.line.fail_next = [500]
    row = await rig.drive(event["webhookEventId"])
    assert row.status == "dead" and str(row.error).startswith("gave up after retrying")


async def test_an_unreadable_event_is_dead_at_once(rig: Rig) -> None:
    event = line_postback_event(USER, "x")
    event["postback"] = {}  # passes the webhook's checks, but the SDK cannot read it
    await inbox.record("line", [inbox.NewEvent(event["webhookEventId"], "line:u:u", event)])
    row = await rig.drive(event["webhookEventId"])
    assert row.status == "dead" and row.attempts == 1 and "unreadable" in str(row.error)
    assert rig.line.requests == []


async def test_telegram_answer_resumes_after_its_last_confirmed_message(rig: Rig) -> None:
    update = telegram_message_update(4100, 4242, 4242, "你好")
    await inbox.record("telegram", [inbox.NewEvent("4100", "telegram:4242:4242", update)])
    await _saved_before_a_crash("4100", ["第一則", "第二則", "第三則"])
    rig.telegram.fail_next = [None, {"error_code": 502, "description": "Bad Gateway"}]
    await rig.services.worker.run_once()
    row = await InboundEvent.get(event_key="4100")
    assert row.status == "handled" and row.sent == 1
    assert (await rig.drive("4100")).status == "done"
    assert rig.telegram.sent_texts(4242) == ["第一則", "第二則", "第三則"]  # none twice


async def test_a_restart_on_sqlite_takes_over_a_killed_process_s_events_at_once(
        tmp_path: Path) -> None:
    await open_db(f"sqlite://{tmp_path / 'bot.sqlite3'}", migrate_first=True)
    event = line_text_event(USER, "住民大會")
    await inbox.record("line", [inbox.NewEvent(event["webhookEventId"], "line:u:u", event)])
    await inbox.claim(10, ["line"], lease_seconds=3600)  # held by a process killed with -9
    await close_db()
    async with running_bot(tmp_path) as bot:  # one process per SQLite file: all leases are gone
        assert (await bot.settle(timeout=20))["done"] == 1
        assert bot.line.requests[-1].path == "/v2/bot/message/reply"  # still fresh: free reply


async def test_inbox_status_and_retry_commands(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'bot.sqlite3'}"
    await open_db(url, migrate_first=True)
    events = [line_text_event(USER, "你好") for _ in range(3)]
    await inbox.record("line", [inbox.NewEvent(e["webhookEventId"], "line:u:u", e)
                                for e in events])
    rows = await InboundEvent.all().order_by("id")
    await _saved_before_a_crash(events[0]["webhookEventId"], ["答案"])
    await inbox.dead(rows[0].id, "LINE 400: The property, 'to', in the request body is invalid")
    await inbox.dead(rows[1].id, "unreadable event: ValidationError")
    await close_db()
    status = _run("inbox", "status", DATABASE_URL=url)
    assert status.returncode == 0, status.stderr
    assert "line" in status.stdout and f"#{rows[0].id} line" in status.stdout
    assert "unreadable event" in status.stdout and USER not in status.stdout
    retry = _run("inbox", "retry", "--id", str(rows[0].id), DATABASE_URL=url)
    assert retry.returncode == 0 and retry.stdout.startswith("1 event(s) put back")
    await open_db(url)
    try:
        after = {r.id: r for r in await InboundEvent.all()}
        assert after[rows[0].id].status == "handled"  # saved before: only delivered again
        assert after[rows[1].id].status == "dead" and after[rows[2].id].status == "pending"
    finally:
        await close_db()


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=120, env={**os.environ, **env})
