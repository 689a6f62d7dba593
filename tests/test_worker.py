"""The inbox worker's loop: wake-ups are never lost (each backend)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest

from bot.dispatcher import Dispatcher
from bot.storage import inbox
from bot.storage.models import InboundEvent
from bot.worker import InboxWorker
from tests.chat import shared_deps
from tests.test_batching import FakeAdapter, Script


@pytest.fixture
def script(monkeypatch: pytest.MonkeyPatch) -> Script:
    handler = Script()
    monkeypatch.setattr("bot.dispatcher.route", handler)
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
