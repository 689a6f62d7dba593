"""The inbox worker: claims recorded events, runs their turns, delivers, marks each one done.

Every process runs one. Claims are short leases, renewed while the worker holds them, so
several processes share the work safely and the events of a worker that died are picked up
again within seconds. The dispatcher saves a batch's turns together (marking the rows handled
in the same transaction); deliveries go out in parallel (one conversation's in order), and
each event is marked done right after its own delivery. Delivery progress is recorded as it
happens (bot.core.progress), so a retry after a crash neither repeats nor drops an answer.

A platform that is down is retried with back-off for hours (bot.storage.inbox.RETRY_FOR);
a permanent refusal, an unreadable event, or a turn that keeps failing goes to `dead`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.common.availability import DATABASE
from bot.common.loop import forever, is_outage
from bot.core.errors import DeliveryError
from bot.core.progress import Progress
from bot.core.serialize import reply_from_dict, reply_to_dict
from bot.core.types import Incoming, Reply
from bot.runtime.dispatcher import Dispatcher
from bot.storage import inbox
from bot.storage.coalesce import Coalesced
from bot.storage.handoff import HandOff
from bot.storage.models import InboundEvent

log = logging.getLogger("bot.worker")


class Adapter(Protocol):
    """What the worker needs from a platform adapter."""

    platform: str

    def to_incoming(self, payload: dict[str, Any], event_key: str) -> Incoming | None: ...

    async def deliver(self, payload: dict[str, Any], replies: list[Reply], event_key: str,
                      progress: Progress) -> None: ...


class InboxWorker:
    """One per process; wake it with notify() after recording events."""

    def __init__(self, dispatcher: Dispatcher, adapters: dict[str, Adapter],
                 batch: int = 32, idle_poll: float = 1.0, deliveries: int = 32,
                 lease: float = inbox.LEASE_SECONDS, renew_every: float | None = None) -> None:
        self.dispatcher = dispatcher
        self.adapters = adapters
        self.batch = batch
        self.idle_poll = idle_poll
        self.lease = lease
        self.renew_every = renew_every if renew_every is not None else lease / 3
        self._deliveries = asyncio.Semaphore(deliveries)  # calls to the platforms at once
        self._wake = asyncio.Event()
        self._started = False
        # Graceful stop (drain.py): claim nothing new, say when the batch in flight is done,
        # and which rows this process still holds the lease of.
        self.stopping = False
        self.idle = asyncio.Event()
        self.idle.set()
        self.holding: set[int] = set()
        self.handoff = HandOff(lease, claim_every=idle_poll)
        # Deliveries run side by side: their progress writes go out one statement per flush.
        # (Looked up per call, like every other inbox function here: tests replace them.)
        self._replying = Coalesced(lambda ids: inbox.set_replying(ids))
        self._done = Coalesced(lambda ids: inbox.mark_done(ids))

    def hand_off(self, rows: list[InboundEvent]) -> None:
        """Rows this process just recorded, leased to it: processed before the next claim."""
        if self.handoff.add(rows):
            self._wake.set()

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
        if self.stopping:
            return False
        self.idle.clear()  # before the claim: a stop waits for what it brings
        try:
            if not self._started:
                if inbox.single_process():  # SQLite: leases left in the file are a dead one's
                    await inbox.release_all_leases()
                self._started = self.handoff.on = True
            return await self.run_once()
        finally:
            self.idle.set()

    async def _rest(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), self.idle_poll)

    async def run_once(self) -> bool:
        """Process one batch (handed-off rows, else claimed ones); False when there was
        nothing to do."""
        rows: list[InboundEvent] = []
        if self.handoff.claim_due():
            rows = await inbox.claim(self.batch, list(self.adapters), lease_seconds=self.lease)
            self.handoff.claimed(len(rows))
        rows = rows or self.handoff.take(self.batch)
        if not rows:
            return False
        held = {row.id for row in rows}
        self.holding = held  # for a stop (bot.runtime.drain): the rows whose lease is still ours
        renewing = asyncio.create_task(self._renew(held), name="inbox-lease")
        try:
            await self._process(rows, held)
        finally:
            renewing.cancel()
            # gather, not suppress(CancelledError): a cancel of this worker must go through.
            await asyncio.gather(renewing, return_exceptions=True)
        return True

    async def _renew(self, held: set[int]) -> None:
        while True:
            await asyncio.sleep(self.renew_every)
            try:
                await inbox.renew(sorted(held), self.lease)
            except Exception as exc:  # the lease runs out; another worker may take over
                if is_outage(exc):  # one line for the whole outage (bot.common.availability)
                    DATABASE.failed(None, type(exc).__name__)
                else:
                    log.warning("renewing %d leases failed: %s", len(held), type(exc).__name__)

    async def _process(self, rows: list[InboundEvent], held: set[int]) -> None:
        items = [await self._item(row, held) for row in rows]
        await self._run_turns([i for i in items if i.needs_turn])
        groups: dict[str, list[_Item]] = defaultdict(list)
        for item in items:
            if item.ok and item.replies:
                groups[item.row.conv_key].append(item)
        quiet = [i for i in items if i.ok and not i.replies]
        await inbox.mark_done([i.row.id for i in quiet])  # nothing to say: done at once
        for item in quiet:
            item.let_go()
        failures: Counter[str] = Counter()
        # Different conversations are delivered side by side; one conversation's in order.
        await asyncio.gather(*(self._deliver_group(g, failures) for g in groups.values()))
        for reason, n in failures.items():  # one line per cause, not one per event
            log.warning("%d answer(s) not delivered: %s", n, reason)

    async def _item(self, row: InboundEvent, held: set[int]) -> _Item:
        adapter = self.adapters[row.platform]
        item = _Item(row, adapter, json.loads(row.payload), held)
        if row.status == "handled":  # saved before a crash or an outage; only delivery is left
            item.replies = [reply_from_dict(d) for d in json.loads(row.replies or "[]")]
            return item
        try:
            item.msg = adapter.to_incoming(item.payload, row.event_key)
        except Exception as exc:  # retrying cannot make it readable
            log.warning("event %s dead: unreadable (%s)", row.id, type(exc).__name__)
            await inbox.dead(row.id, f"unreadable event: {type(exc).__name__}")
            item.let_go()
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
            items[i].let_go()
        # Someone else saved these conversations meanwhile: run them again on fresh state.
        await inbox.release_now([items[i].row.id for i in outcome.retry], "conflict")

    async def _one_at_a_time(self, items: list[_Item]) -> None:
        """Each turn on its own (the single-turn path also re-runs conflicts); a failure gives
        back that event and the later ones of its conversation, which must not overtake it."""
        failed: set[str] = set()
        for item in items:  # claimed in id order: each conversation's events in order
            if item.row.conv_key in failed or item.msg is None:
                await self._turn_failed(item, RuntimeError("an earlier event of it failed"))
                continue

            async def keep(replies: tuple[Reply, ...], row_id: int = item.row.id) -> None:
                await inbox.mark_handled(row_id, [reply_to_dict(r) for r in replies])

            try:
                item.replies = list((await self.dispatcher.turn(item.msg, keep)).replies)
            except Exception as exc:
                failed.add(item.row.conv_key)
                await self._turn_failed(item, exc)

    async def _turn_failed(self, item: _Item, exc: Exception) -> None:
        log.warning("event %s: turn failed (%s)", item.row.id, type(exc).__name__)
        item.let_go()
        await inbox.turn_failed(item.row, f"{type(exc).__name__}: {exc}")

    async def _deliver_group(self, items: list[_Item], failures: Counter[str]) -> None:
        async with self._deliveries:
            for n, item in enumerate(items):
                if not await self._deliver(item, failures):
                    for later in items[n + 1:]:  # they must not overtake the one that waits
                        later.let_go()
                        await inbox.retry_later(later.row, "waiting for an earlier answer")
                    return

    async def _deliver(self, item: _Item, failures: Counter[str]) -> bool:
        """Deliver one event's answer and mark it done; False when it waits for a retry."""
        progress = _RowProgress(item.row, self._replying)
        try:
            await item.adapter.deliver(item.payload, item.replies, item.row.event_key, progress)
        except DeliveryError as exc:
            item.let_go()
            if exc.permanent:  # blocked, unfollowed, malformed: retrying cannot help
                failures[f"{exc.reason} (dead)"] += 1
                await inbox.dead(item.row.id, exc.reason)
                return True
            failures[f"{exc.reason} (retrying)"] += 1
            await inbox.retry_later(item.row, exc.reason, exc.retry_after)
            return False
        except Exception as exc:  # a bug while rendering or sending: a few tries, then dead
            failures[f"{type(exc).__name__} (a bug?)"] += 1
            item.let_go()
            await inbox.turn_failed(item.row, f"delivery: {type(exc).__name__}: {exc}")
            return False
        item.let_go()
        await self._done(item.row.id)  # right after its own delivery, not per batch
        return True


class _RowProgress:
    """Progress recorded on the event's row (see bot.core.progress)."""

    def __init__(self, row: InboundEvent, replying: Coalesced) -> None:
        self._id = row.id
        self._replying = replying
        self.sent = row.sent
        self.reply_unknown = row.reply_state == inbox.REPLY_TRYING
        self.reply_given_up = row.reply_state == inbox.REPLY_UNKNOWN

    async def replying(self) -> None:
        if not self.reply_unknown:  # already recorded by an earlier attempt
            await self._replying(self._id)  # committed before the reply leaves
        self.reply_unknown = True

    async def reply_refused(self) -> None:
        self.reply_unknown = False
        await inbox.set_progress(self._id, reply_state=None)

    async def reply_unknowable(self) -> None:
        self.reply_unknown, self.reply_given_up = False, True
        await inbox.set_progress(self._id, reply_state=inbox.REPLY_UNKNOWN)

    async def confirmed(self, sent: int, total: int) -> None:
        self.sent = sent
        if sent < total:  # the last step is recorded by marking the event done
            # A reply in flight is confirmed now; a reply given up on stays counted.
            confirmed = None if self.reply_unknown else ""
            self.reply_unknown = False
            await inbox.set_progress(self._id, sent=sent, reply_state=confirmed)


@dataclass
class _Item:
    """A claimed row on its way through the batch."""

    row: InboundEvent
    adapter: Adapter
    payload: dict[str, Any]
    held: set[int]  # this batch's rows whose lease is still renewed
    msg: Incoming | None = None
    replies: list[Reply] = field(default_factory=list)
    ok: bool = True  # False: given back for a later try, dead, or done

    @property
    def needs_turn(self) -> bool:
        """A pending event the bot answers (others are only delivered or closed)."""
        return self.ok and self.msg is not None and self.row.status != "handled"

    def let_go(self) -> None:
        """This batch is finished with the row: stop renewing its lease."""
        self.ok = False
        self.held.discard(self.row.id)
