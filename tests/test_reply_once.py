"""The exactly-once rule for LINE answers (README, reliability), through the fake LINE API:
a reply whose answer never came back is not a sent reply; LINE is asked again with the same
token while it is young (400 "Invalid reply token" = it was used); a token too old to ask is
answered by push and counted; every push carries a retry key, so a repeat is refused (409)."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.adapters import line as line_adapter
from bot.cli.inbox import _format
from bot.core.serialize import reply_to_dict
from bot.core.types import Text
from bot.services import Services, build_services
from bot.settings import load_settings
from bot.storage import inbox
from bot.storage.models import InboundEvent
from tests.bot_harness import LINE_SECRET
from tests.chat import shared_deps
from tests.fakes.line_api import FakeLineApi
from tests.fakes.webhooks import line_text_event

USER = "U" + "6" * 32
REPLY, PUSH = "/v2/bot/message/reply", "/v2/bot/message/push"


@pytest.fixture
async def rig(db: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[Services,
                                                                              FakeLineApi]]:
    # The bot gives up after 0.3 s (10 s in production); a question waits 2 s (30 s).
    monkeypatch.setattr(line_adapter, "REQUEST_TIMEOUT", 0.3)
    monkeypatch.setattr(line_adapter, "ASK_TIMEOUT", 2.0)
    async with FakeLineApi() as line:
        settings = load_settings(database_url=db, line_channel_secret=LINE_SECRET,
                                 line_channel_access_token="t", line_api_base_url=line.base_url)
        services = build_services(settings, shared_deps())
        await services.start()
        try:
            yield services, line
        finally:
            await services.close()


async def _event(age: float = 0, token: str = "tok-1") -> str:
    event = line_text_event(USER, "住民大會", reply_token=token)
    event["timestamp"] = int((time.time() - age) * 1000)
    key = event["webhookEventId"]
    await inbox.record("line", [inbox.NewEvent(key, f"line:{USER}:{USER}", event)])
    await InboundEvent.filter(event_key=key).update(
        status="handled", replies=json.dumps([reply_to_dict(Text("答案"))]))
    return str(key)


async def _drive(services: Services, key: str, rounds: int = 20) -> InboundEvent:
    for _ in range(rounds):
        row = await InboundEvent.get(event_key=key)
        if row.status in ("done", "dead"):
            return row
        await InboundEvent.filter(id=row.id).update(locked_until=None)  # skip the back-off
        await services.worker.run_once()
    raise AssertionError(f"{key} still {row.status}")


def _paths(line: FakeLineApi) -> list[str]:
    return [r.path for r in line.requests if r.path in (REPLY, PUSH)]


async def test_a_reply_answered_too_late_is_confirmed_by_asking_again(rig: Any) -> None:
    services, line = rig
    key = await _event()
    line.delay = 0.6  # LINE carries the reply out but answers after the bot gave up
    await services.worker.run_once()
    row = await InboundEvent.get(event_key=key)
    assert (row.status, row.reply_state) == ("handled", "trying")  # unknown, not sent
    assert (await inbox.unknown_replies())["asking"] == 1
    row = await _drive(services, key)
    assert (row.status, row.reply_state) == ("done", None)
    assert _paths(line) == [REPLY]  # answered once: the question got 400, no push
    assert line.delivered_texts() == ["答案"]


async def test_a_reply_refused_with_an_answer_is_sent_again_by_reply(rig: Any) -> None:
    services, line = rig
    key = await _event()
    line.fail_next = [500]  # LINE answered: this reply did not go out
    row = await _drive(services, key)
    assert (row.status, row.reply_state) == ("done", None)
    assert _paths(line) == [REPLY] and line.delivered_texts() == ["答案"]


async def test_a_used_token_without_an_attempt_of_ours_is_pushed(rig: Any) -> None:
    services, line = rig
    key = await _event(token="tok-used")
    line.invalid_reply_tokens.add("tok-used")  # 400 "Invalid reply token", not our use
    row = await _drive(services, key)
    assert row.status == "done" and _paths(line) == [PUSH]
    assert line.requests[-1].headers["X-Line-Retry-Key"]


async def test_a_push_answered_too_late_is_not_shown_twice(rig: Any) -> None:
    services, line = rig
    key = await _event(age=120)  # the token is stale: push
    line.delay = 0.6  # carried out, answered after the bot gave up
    await services.worker.run_once()
    await line.wait_for(1)  # the push was carried out meanwhile
    line.delay = 0
    row = await _drive(services, key)
    assert row.status == "done"
    assert _paths(line) == [PUSH] and line.conflicts == 1  # the retry key was refused: 409
    assert line.delivered_texts() == ["答案"]


async def test_a_reply_unknown_past_the_token_s_life_is_pushed_once_and_counted(
        rig: Any) -> None:
    services, line = rig
    key = await _event(age=56)  # too old to ask LINE about the earlier attempt
    await InboundEvent.filter(event_key=key).update(reply_state="trying")
    row = await _drive(services, key)
    assert (row.status, row.reply_state) == ("done", "unknown")
    assert _paths(line) == [PUSH]  # errs towards a possible second copy, never none
    assert (await inbox.unknown_replies())["pushed"] == 1
    assert "1 pushed as well" in _format(await inbox.report())


async def test_inbox_retry_puts_back_a_reply_left_unconfirmed_by_an_older_version(
        rig: Any) -> None:
    services, line = rig
    key = await _event(age=120)
    row = await InboundEvent.get(event_key=key)
    await InboundEvent.filter(id=row.id).update(status="done", reply_state="trying",
                                                replies=None)  # issue 19's lost rows
    report = _format(await inbox.report())
    assert f"done without a confirmed reply: 1 (run.py inbox retry [--id ID]): #{row.id}" \
        in report
    assert await inbox.requeue() == 1
    row = await _drive(services, key)
    assert (row.status, row.reply_state) == ("done", "unknown")
    assert _paths(line) == [PUSH]  # answered (its turn ran again), once
