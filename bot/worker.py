"""The inbox worker: claims recorded events, runs their turns, delivers, marks them done.

Every process runs one. Claims are leases, so several processes share the work safely, and
events left over by a crash or a restart are picked up again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from typing import Any, Protocol

from bot.core.serialize import reply_from_dict, reply_to_dict
from bot.core.types import Incoming, Reply
from bot.dispatcher import Dispatcher
from bot.loop import forever
from bot.storage import inbox
from bot.storage.models import InboundEvent

log = logging.getLogger("bot.worker")


class Adapter(Protocol):
    """What the worker needs from a platform adapter."""

    platform: str

    def to_incoming(self, payload: dict[str, Any], event_key: str) -> Incoming | None: ...

    async def deliver(self, payload: dict[str, Any], replies: list[Reply],
                      event_key: str) -> None: ...


class InboxWorker:
    """One per process; wake it with notify() after recording events."""

    def __init__(self, dispatcher: Dispatcher, adapters: dict[str, Adapter],
                 batch: int = 64, idle_poll: float = 1.0) -> None:
        self.dispatcher = dispatcher
        self.adapters = adapters
        self.batch = batch
        self.idle_poll = idle_poll
        self._wake = asyncio.Event()

    def notify(self) -> None:
        """New events were recorded: look now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        """Process events until cancelled."""
        await forever(self.run_once, self._rest, log)

    async def _rest(self) -> None:
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), self.idle_poll)

    async def run_once(self) -> bool:
        """Claim and process one batch; False when there was nothing to do."""
        rows = await inbox.claim(self.batch, platforms=list(self.adapters))
        if not rows:
            return False
        groups: dict[str, list[InboundEvent]] = defaultdict(list)
        for row in rows:
            groups[row.conv_key].append(row)
        # Different conversations run side by side; one conversation's events in order.
        done = await asyncio.gather(*(self._process_group(g) for g in groups.values()))
        await inbox.mark_done([i for ids in done for i in ids])
        return True

    async def _process_group(self, rows: list[InboundEvent]) -> list[int]:
        done = []
        for row in rows:
            if await self._process(row):
                done.append(row.id)
        return done

    async def _process(self, row: InboundEvent) -> bool:
        adapter = self.adapters[row.platform]
        payload = json.loads(row.payload)
        try:
            replies = await self._replies_for(row, adapter, payload)
            if replies:
                await adapter.deliver(payload, replies, row.event_key)
        except Exception as exc:  # a passing failure: the lease expires, another try later
            log.warning("event %s failed: %s", row.id, type(exc).__name__)
            await inbox.release(row.id, f"{type(exc).__name__}: {exc}"[:200])
            return False
        return True

    async def _replies_for(self, row: InboundEvent, adapter: Adapter,
                           payload: dict[str, Any]) -> list[Reply]:
        if row.status == "handled":  # saved before a crash; only delivery is left
            return [reply_from_dict(d) for d in json.loads(row.replies or "[]")]
        msg = adapter.to_incoming(payload, row.event_key)
        if msg is None:
            return []

        async def keep(replies: tuple[Reply, ...]) -> None:
            await inbox.mark_handled(row.id, [reply_to_dict(r) for r in replies])

        outcome = await self.dispatcher.turn(msg, after_save=keep)
        return list(outcome.replies)
