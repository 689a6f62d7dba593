"""In-memory hand-off (bot.storage.handoff): events this process records reach its worker
without a claim; rows left waiting go back to the claim, and a crash loses nothing."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from bot.runtime.dispatcher import Dispatcher
from bot.runtime.worker import InboxWorker
from bot.storage import inbox
from bot.storage.handoff import HandOff
from bot.storage.models import InboundEvent
from bot.storage.recorder import GroupRecorder
from tests.chat import shared_deps
from tests.test_batching import FakeAdapter, Script


@pytest.fixture
def script(monkeypatch: pytest.MonkeyPatch) -> Script:
    handler = Script()
    monkeypatch.setattr("bot.runtime.dispatcher.route", handler)
    return handler


def _row(n: int, conv: str) -> InboundEvent:
    return InboundEvent(id=n, platform="test", event_key=f"e{n}", conv_key=conv, payload="{}")


def _event(user: str, text: str) -> inbox.NewEvent:
    return inbox.NewEvent(text, f"test:{user}:{user}", {"user": user, "text": text})


def test_rows_waiting_past_half_the_lease_go_back_with_their_conversation() -> None:
    handoff = HandOff(lease=0.2, claim_every=60)
    handoff.on = True
    handoff.add([_row(1, "a"), _row(2, "b")])
    time.sleep(0.12)  # older than half the lease
    handoff.add([_row(3, "a"), _row(4, "c")])
    assert [r.id for r in handoff.take(10)] == [4]  # 1, 2 dropped; 3 follows a's dropped 1
    handoff.add([_row(5, "a"), _row(6, "c")])
    assert [r.id for r in handoff.take(10)] == [6]  # a goes through the claim for now
    handoff.claimed(0)  # the claim found nothing, but a's row may still be leased
    handoff.add([_row(7, "a")])
    assert handoff.take(10) == []
    time.sleep(0.12)
    handoff.claimed(0)  # half a lease later the dropped rows were claimable: a is free again
    handoff.add([_row(8, "a")])
    assert [r.id for r in handoff.take(10)] == [8]


def test_the_worker_claims_when_nothing_is_handed_off_and_every_so_often() -> None:
    handoff = HandOff(lease=15, claim_every=0.05)
    assert handoff.claim_due()
    handoff.add([_row(1, "a")])  # off until the worker starts: left to the claim
    assert handoff.take(5) == []
    handoff.on = True
    handoff.add([_row(2, "a")])
    handoff.claimed(0)
    assert not handoff.claim_due()
    time.sleep(0.06)
    assert handoff.claim_due()  # retries and dropped rows are not starved


async def test_recorded_events_are_processed_without_a_claim(
        db: str, script: Script, monkeypatch: pytest.MonkeyPatch) -> None:
    adapter = FakeAdapter()
    worker = InboxWorker(Dispatcher(shared_deps()), {"test": adapter}, idle_poll=3600)
    recorder = GroupRecorder()
    recorder.hand_off_to(worker.hand_off, worker.lease)
    await worker._pass()  # started: nothing waiting
    claims = 0
    real_claim = inbox.claim

    async def counting(*args: Any, **kwargs: Any) -> list[InboundEvent]:
        nonlocal claims
        claims += 1
        return await real_claim(*args, **kwargs)

    monkeypatch.setattr(inbox, "claim", counting)
    await asyncio.gather(*(recorder.record("test", [_event(u, f"{u}{n}")])
                           for n in range(3) for u in "ab"))
    assert await worker.run_once() and claims == 0
    assert sorted(adapter.sent) == [("a", "a0"), ("a", "a0,a1"), ("a", "a0,a1,a2"),
                                    ("b", "b0"), ("b", "b0,b1"), ("b", "b0,b1,b2")]
    assert await InboundEvent.filter(status="done").count() == 6


async def test_a_crash_with_rows_handed_off_loses_nothing_and_answers_once(
        db: str, script: Script) -> None:
    lease = 0.5
    dead = InboxWorker(Dispatcher(shared_deps()), {"test": FakeAdapter()}, lease=lease)
    recorder = GroupRecorder()
    recorder.hand_off_to(dead.hand_off, lease)
    dead.handoff.on = True
    await recorder.record("test", [_event("a", "a0"), _event("b", "b0")])
    assert len(dead.handoff.take(10)) == 2  # in memory only; the process dies here
    adapter = FakeAdapter()
    heir = InboxWorker(Dispatcher(shared_deps()), {"test": adapter}, lease=lease)
    assert not await heir.run_once()  # still leased to the dead process
    await asyncio.sleep(lease + 0.1)
    assert await heir.run_once()
    assert sorted(adapter.sent) == [("a", "a0"), ("b", "b0")]
    assert not await heir.run_once()
    assert await InboundEvent.filter(status="done").count() == 2
