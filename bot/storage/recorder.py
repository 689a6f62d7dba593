"""Group commit for webhooks: concurrent requests' events are recorded in one transaction.

A request hands its events over and waits; one flush task inserts everything pending in a single
transaction, then wakes every request it committed. The flush starts at once when none is in
flight (no added wait when idle); requests arriving while one is in flight join the next flush.
A request still answers 200 only after its own events are committed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from bot.common.loop import is_outage
from bot.storage import inbox
from bot.storage.models import InboundEvent

log = logging.getLogger("bot.recorder")
Pending = tuple[str, list[inbox.NewEvent], "asyncio.Future[None]"]


class GroupRecorder:
    """One per process: record(platform, events) returns once those events are committed."""

    def __init__(self, max_events: int = 1000) -> None:
        self.max_events = max_events
        self._pending: list[Pending] = []
        self._flusher: asyncio.Task[None] | None = None
        self.flushes = 0  # for tests and benchmarks: how many transactions were used
        self._hand_off: Callable[[list[InboundEvent]], None] | None = None
        self._lease: float | None = None

    def hand_off_to(self, hand_off: Callable[[list[InboundEvent]], None], lease: float) -> None:
        """Record new events leased to this process for `lease` seconds and give the rows to
        hand_off (the worker's; see bot.storage.handoff) once committed."""
        self._hand_off, self._lease = hand_off, lease

    def stop_hand_off(self, keep: Callable[[list[InboundEvent]], None]) -> None:
        """From now on record rows unleased, for any process to claim (a stopping one); the
        rows of a flush already under way (leased to this process) go to keep instead."""
        self._hand_off, self._lease = keep, None

    async def record(self, platform: str, events: list[inbox.NewEvent]) -> None:
        """Wait until these events are durably recorded (raises what the commit raised)."""
        if not events:
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((platform, events, done))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_all(), name="inbox-recorder")
        # shield: a client hanging up must not cancel the flush other requests wait on.
        await asyncio.shield(done)

    async def close(self) -> None:
        """Finish the flush in flight (start-up/shut-down and tests)."""
        if self._flusher is not None:
            await self._flusher

    async def _flush_all(self) -> None:
        while self._pending:
            batch = self._take()
            try:
                rows = await inbox.record_many([(p, e) for p, events, _ in batch for e in events],
                                               self._lease)
            except Exception as exc:
                self.flushes += 1
                if len(batch) == 1 or (is_outage(exc) and not await _takes_writes()):
                    if not is_outage(exc):  # an outage is logged once (storage.availability)
                        log.warning("recording a request failed: %s", type(exc).__name__)
                    _settle(batch, exc)
                    continue
                # Nothing of the flush was stored: one bad request must not cost the others.
                log.warning("recording %d requests together failed (%s): one at a time",
                            len(batch), type(exc).__name__)
                await self._one_by_one(batch)
            else:
                self.flushes += 1
                _settle(batch, None)
                self._give(rows)

    async def _one_by_one(self, batch: list[Pending]) -> None:
        failed = 0
        for item in batch:
            try:
                rows = await inbox.record_many([(item[0], e) for e in item[1]], self._lease)
            except Exception as exc:
                failed += 1
                _settle([item], exc)
            else:
                _settle([item], None)
                self._give(rows)
            self.flushes += 1
        log.warning("recorded %d of %d requests one at a time", len(batch) - failed, len(batch))

    def _give(self, rows: list[InboundEvent]) -> None:
        if rows and self._hand_off is not None:
            self._hand_off(rows)

    def _take(self) -> list[Pending]:
        taken: list[Pending] = []
        count = 0
        while self._pending and (not taken or count + len(self._pending[0][1])
                                 <= self.max_events):
            item = self._pending.pop(0)
            taken.append(item)
            count += len(item[1])
        return taken


async def _takes_writes() -> bool:
    """After a failed flush: does the database take a write at all? (No: it is down or busy,
    and recording the requests one by one would only fail again, slowly.)"""
    try:
        await inbox.write_probe()
    except Exception:
        return False
    return True


def _settle(batch: list[Pending], exc: BaseException | None) -> None:
    for _, _, done in batch:
        if done.done():
            continue
        if exc is None:
            done.set_result(None)
        else:
            done.set_exception(exc)
            # A request that stopped waiting (503 after ANSWER_WITHIN) never awaits it: mark
            # it seen, or asyncio logs a traceback per request when the future is collected.
            done.exception()
