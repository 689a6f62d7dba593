"""The inbox worker: claims recorded events, runs their turns, delivers, marks them done.

Every process runs one. Claims are leases, so several processes share the work safely, and
events left over by a crash or a restart are picked up again. A claimed batch costs a few
transactions, not a few per event: the dispatcher saves all its turns together (marking the
rows handled in the same transaction), deliveries go out in parallel (one conversation's in
order), and one statement marks the batch done.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
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
                 batch: int = 32, idle_poll: float = 1.0, deliveries: int = 32) -> None:
        self.dispatcher = dispatcher
        self.adapters = adapters
        self.batch = batch
        self.idle_poll = idle_poll
        self._deliveries = asyncio.Semaphore(deliveries)  # calls to the platforms at once
        self._wake = asyncio.Event()

    def notify(self) -> None:
        """New events were recorded: look now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        """Process events until cancelled."""
        await forever(self._pass, self._rest, log)

    async def _pass(self) -> bool:
        # Cleared before the pass, never after it: a notify() that arrives while the pass
        # runs (its claim may already have missed those events) must wake the next rest.
        self._wake.clear()
        return await self.run_once()

    async def _rest(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), self.idle_poll)

    async def run_once(self) -> bool:
        """Claim and process one batch; False when there was nothing to do."""
        rows = await inbox.claim(self.batch, platforms=list(self.adapters))
        if not rows:
            return False
        items = [await self._item(row) for row in rows]
        await self._run_turns([i for i in items if i.needs_turn])
        groups: dict[str, list[_Item]] = defaultdict(list)
        for item in items:
            if item.ok and item.replies:
                groups[item.row.conv_key].append(item)
        # Different conversations are delivered side by side; one conversation's in order.
        await asyncio.gather(*(self._deliver_group(g) for g in groups.values()))
        await inbox.mark_done([i.row.id for i in items if i.ok])
        return True

    async def _item(self, row: InboundEvent) -> _Item:
        adapter = self.adapters[row.platform]
        item = _Item(row, adapter, json.loads(row.payload))
        if row.status == "handled":  # saved before a crash; only delivery is left
            item.replies = [reply_from_dict(d) for d in json.loads(row.replies or "[]")]
            return item
        try:
            item.msg = adapter.to_incoming(item.payload, row.event_key)
        except Exception as exc:  # a malformed event: retried, then given up on
            await self._release(item, exc)
        return item

    async def _run_turns(self, items: list[_Item]) -> None:
        if not items:
            return

        async def keep(replies: dict[int, tuple[Reply, ...]]) -> None:
            await inbox.mark_handled_many(
                {items[i].row.id: [reply_to_dict(r) for r in rs] for i, rs in replies.items()})

        try:
            outcome = await self.dispatcher.turns([i.msg for i in items if i.msg], keep)
        except Exception as exc:  # nothing was saved; one bad event must not hold back the rest
            log.warning("batch of %d turns failed (%s): one at a time", len(items),
                        type(exc).__name__)
            await self._one_at_a_time(items)
            return
        for i, replies in outcome.replies.items():
            items[i].replies = list(replies)
        for i in outcome.retry:
            items[i].ok = False
        # Someone else saved these conversations meanwhile: run them again on fresh state.
        await inbox.release_now([items[i].row.id for i in outcome.retry], "conflict")

    async def _one_at_a_time(self, items: list[_Item]) -> None:
        """Each turn on its own (the single-turn path also re-runs conflicts); a failure gives
        back that event and the later ones of its conversation, which must not overtake it."""
        failed: set[str] = set()
        for item in items:  # claimed in id order: each conversation's events in order
            if item.row.conv_key in failed or item.msg is None:
                await self._release(item, RuntimeError("an earlier event of it failed"))
                continue

            async def keep(replies: tuple[Reply, ...], row_id: int = item.row.id) -> None:
                await inbox.mark_handled(row_id, [reply_to_dict(r) for r in replies])

            try:
                item.replies = list((await self.dispatcher.turn(item.msg, keep)).replies)
            except Exception as exc:
                failed.add(item.row.conv_key)
                await self._release(item, exc)

    async def _deliver_group(self, items: list[_Item]) -> None:
        async with self._deliveries:
            for item in items:
                try:
                    await item.adapter.deliver(item.payload, item.replies, item.row.event_key)
                except Exception as exc:  # a passing failure: the row comes back later
                    await self._release(item, exc)

    async def _release(self, item: _Item, exc: Exception) -> None:
        log.warning("event %s failed: %s", item.row.id, type(exc).__name__)
        item.ok = False
        await inbox.release(item.row.id, f"{type(exc).__name__}: {exc}"[:200])


@dataclass
class _Item:
    """A claimed row on its way through the batch."""

    row: InboundEvent
    adapter: Adapter
    payload: dict[str, Any]
    msg: Incoming | None = None
    replies: list[Reply] = field(default_factory=list)
    ok: bool = True  # False: given back for a later try; neither delivered nor marked done

    @property
    def needs_turn(self) -> bool:
        """A pending event the bot answers (others are only delivered or closed)."""
        return self.ok and self.msg is not None and self.row.status != "handled"
