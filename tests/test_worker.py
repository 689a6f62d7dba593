"""The inbox worker's loop: wake-ups are never lost (each backend)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest

from bot.core.progress import Progress
from bot.core.types import Reply
from bot.runtime.dispatcher import Dispatcher
from bot.runtime.worker import InboxWorker
from bot.storage import inbox
from bot.storage.models import InboundEvent
from tests.chat import shared_deps
from tests.test_batching import FakeAdapter, Script


@pytest.fixture
def script(monkeypatch: pytest.MonkeyPatch) -> Script:
    handler = Script()
    monkeypatch.setattr("bot.runtime.dispatcher.route", handler)
    return handler


async def test_a_notify_during_an_empty_pass_is_not_lost(
        db: str, script: Script, monkeypatch: pytest.MonkeyPatch) -> None:
    adapter = FakeAdapter()
    # An hour between polls: only a wake-up can get the event processed within the test.
    worker = InboxWorker(Dispatcher(shared_deps()), {"test": adapter}, idle_poll=3600)
    real_claim = inbox.claim
    calls = 0

    async def claim_then_webhook(*args: Any, **kwargs: Any) -> list[InboundEvent]:
        nonlocal calls
        calls += 1
        rows = await real_claim(*args, **kwargs)
        if calls == 1:  # a webhook records an event just after this claim looked: too late
            assert rows == []
            await inbox.record("test", [inbox.NewEvent("late", "test:a:a",
                                                       {"user": "a", "text": "hello"})])
            worker.notify()
        return rows

    monkeypatch.setattr(inbox, "claim", claim_then_webhook)
    done = asyncio.Event()
    real_mark = inbox.mark_done

    async def mark_then_signal(*args: Any, **kwargs: Any) -> None:
        await real_mark(*args, **kwargs)
        done.set()

    monkeypatch.setattr(inbox, "mark_done", mark_then_signal)
    await inbox.counts()  # connect here: a pool first opened inside the task would outlive it
    task = asyncio.create_task(worker.run())
    try:
        # A guard, not a measurement: without the wake-up the worker sleeps for the full hour.
        await asyncio.wait_for(done.wait(), 20)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert adapter.sent == [("a", "hello")] and calls >= 2


class HoldingAdapter(FakeAdapter):
    """Delivers at once, except to one user: that delivery waits until released."""

    def __init__(self, hold: str) -> None:
        super().__init__()
        self.hold = hold
        self.holding = asyncio.Event()
        self.release = asyncio.Event()

    async def deliver(self, payload: dict[str, Any], replies: list[Reply],
                      event_key: str, progress: Progress) -> None:
        if payload["user"] == self.hold:
            self.holding.set()
            await self.release.wait()
        await super().deliver(payload, replies, event_key, progress)


async def _until_done(*keys: str) -> None:
    async with asyncio.timeout(10):  # a guard: a wrong worker never gets there
        while True:
            if await InboundEvent.filter(event_key__in=keys, status="done").count() == len(keys):
                return
            await asyncio.sleep(0.01)


def _events(*users: str) -> list[inbox.NewEvent]:
    return [inbox.NewEvent(f"e-{u}", f"test:{u}:{u}", {"user": u, "text": f"{u}1"})
            for u in users]


async def test_each_event_is_done_right_after_its_own_delivery(db: str, script: Script
                                                               ) -> None:
    await inbox.record("test", _events("a", "b", "slow"))
    adapter = HoldingAdapter("slow")
    worker = InboxWorker(Dispatcher(shared_deps()), {"test": adapter})
    batch = asyncio.create_task(worker.run_once())
    await adapter.holding.wait()  # the batch is still delivering to "slow" ...
    await _until_done("e-a", "e-b")  # ... and the others are done meanwhile
    assert (await InboundEvent.get(event_key="e-slow")).status == "handled"
    assert not batch.done()
    adapter.release.set()
    await batch
    assert (await inbox.counts())["done"] == 3


async def test_the_lease_is_short_and_renewed_while_working(
        db: str, script: Script, monkeypatch: pytest.MonkeyPatch) -> None:
    assert inbox.LEASE_SECONDS <= 15  # a killed worker's events wait seconds, not a minute
    await inbox.record("test", _events("a", "slow"))
    adapter = HoldingAdapter("slow")
    renewed: list[list[int]] = []
    twice = asyncio.Event()
    real_renew = inbox.renew

    async def spy(ids: list[int], lease_seconds: float = inbox.LEASE_SECONDS) -> None:
        await real_renew(ids, lease_seconds)
        renewed.append(ids)
        if len(renewed) >= 2:
            twice.set()

    monkeypatch.setattr(inbox, "renew", spy)
    worker = InboxWorker(Dispatcher(shared_deps()), {"test": adapter}, lease=60,
                         renew_every=0.01)
    batch = asyncio.create_task(worker.run_once())
    await adapter.holding.wait()
    await _until_done("e-a")
    renewed.clear()
    twice.clear()
    before = (await InboundEvent.get(event_key="e-slow")).locked_until
    await twice.wait()
    after = (await InboundEvent.get(event_key="e-slow")).locked_until
    assert before is not None and after is not None and after > before
    slow_id = (await InboundEvent.get(event_key="e-slow")).id
    assert renewed[-1] == [slow_id]  # a delivered event's row is no longer held
    assert await inbox.claim(10, ["test"]) == []  # nobody else can take it meanwhile
    adapter.release.set()
    await batch
    done = await InboundEvent.get(event_key="e-slow")
    assert done.status == "done" and done.locked_until is None
