"""The batch engine: every process claims due batches per platform (SKIP LOCKED + lease),
sends them within the shared rate limits, records each outcome where it claimed it, and
reports progress and the end of each broadcast.

No duplicates: a LINE batch's retry key is written with the batch, before any call, so a
repeat after a crash is answered 409; a one-chat batch is marked `sending` before the call
and `sent` after it (with the replies already delivered counted), so a crash can resend at
most what was in flight. A claim token fences a batch whose lease passed to another worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.common.loop import forever
from bot.core.errors import DeliveryError
from bot.core.ports import Pusher
from bot.core.serialize import reply_from_dict
from bot.core.types import Reply
from bot.delivery.limits import RateLimits
from bot.delivery.outcomes import after_failure, unreachable
from bot.delivery.ports import Multicaster
from bot.delivery.quiet import QuietHours
from bot.storage import broadcast_rounds as rounds
from bot.storage import broadcasts as store
from bot.storage.models import Broadcast, DeliveryBatch

log = logging.getLogger("bot.delivery")
STOPPED = ("cancelled", "stopped", "refused")
NO_QUIET = QuietHours()


class Reporter(Protocol):
    """Tells a broadcast's sender how it goes."""

    async def progress(self, broadcast_id: int, tenths: int) -> None: ...

    async def finished(self, broadcast_id: int) -> None: ...


def _utcnow() -> datetime:
    return datetime.now(UTC)


class DeliveryEngine:
    """One per process; wake it with notify() after starting a broadcast."""

    def __init__(self, *, limits: RateLimits, pushers: Callable[[str], Pusher | None],
                 multicaster: Multicaster | None, platforms: list[str], reporter: Reporter,
                 quiet: QuietHours = NO_QUIET, lease: float = 30.0,
                 progress_min: int = 1000, poll: float = 1.0,
                 now: Callable[[], datetime] = _utcnow) -> None:
        self.limits, self.pushers, self.multicaster = limits, pushers, multicaster
        self.platforms, self.reporter, self.quiet = platforms, reporter, quiet
        self.lease, self.progress_min, self.poll, self.now = lease, progress_min, poll, now
        # Totals per process, split between the lanes: while one lane finishes a round (its
        # last sends, the bookkeeping, the next claim), the other keeps the platform busy, so
        # the rate stays at the limit instead of dipping between rounds.
        self.concurrency = {"line": 16, "telegram": 8}
        self.claim_size = {"line": 64, "telegram": 32}
        self.lanes = 2
        self._wake = asyncio.Event()

    def notify(self) -> None:
        """New batches were written: look now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        """Deliver until cancelled: one loop per platform, side by side."""
        await asyncio.gather(*(forever(functools.partial(self.run_once, p, self.lanes),
                                       self._rest, log)
                               for p in self.platforms for _ in range(self.lanes)))

    async def _rest(self) -> None:
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), self.poll)

    async def run_once(self, platform: str, share: int = 1) -> bool:
        """Claim and send one round of a platform's due batches (1/share of the process's
        claim size and concurrency, for one of its lanes); False when none were due."""
        size = max(1, self.claim_size.get(platform, 32) // share)
        _, rows = await store.claim(platform, size, self.lease,
                                    urgent_only=self.quiet.active(self.now()))
        if not rows:
            return False
        ids = {r.broadcast_id for r in rows}
        casts = {b.id: b for b in await Broadcast.filter(id__in=ids)}
        gate = asyncio.Semaphore(max(1, self.concurrency.get(platform, 8) // share))

        async def one(batch: DeliveryBatch) -> None:
            async with gate:
                await self._one(batch, casts.get(batch.broadcast_id))

        if platform == "line":
            await self._line_round(rows, casts, gate)
        else:
            await asyncio.gather(*(one(r) for r in rows))
        for broadcast_id in sorted(ids):
            await self._after(broadcast_id)
        return True

    async def _line_round(self, rows: list[DeliveryBatch], casts: dict[int, Broadcast],
                          gate: asyncio.Semaphore) -> None:
        """A round of multicasts with a few statements in all (see storage.broadcast_rounds):
        unfollowed recipients looked up at once, the batches begun and finished together."""
        due = [r for r in rows if await self._due(r, casts.get(r.broadcast_id))]
        multicaster = self.multicaster
        if multicaster is None:  # LINE is off in this process
            for r in due:
                await store.finish(r, "skipped", skipped=r.size, error="platform_off")
            return
        gone = await rounds.unfollowed("line", (str(i) for r in due for i in r.recipients))
        lives = {r.id: [str(i) for i in r.recipients if str(i) not in gone] for r in due}
        for r in due:
            if not lives[r.id]:
                await store.finish(r, "skipped", skipped=r.size, error="unfollowed")
        ours = await rounds.begin_many([r for r in due if lives[r.id]], self.lease)
        sent: list[rounds.Sent] = []

        async def one(batch: DeliveryBatch) -> None:
            async with gate:
                live = lives[batch.id]
                replies = _replies(casts[batch.broadcast_id], batch.locale)
                send = multicaster.multicast(live, replies, batch.retry_key)
                if await self._attempt(batch, send):
                    sent.append(rounds.Sent(batch, len(live), batch.size - len(live)))

        await asyncio.gather(*(one(r) for r in due if r.id in ours))
        await rounds.finish_many(sent)

    async def _due(self, batch: DeliveryBatch, cast: Broadcast | None) -> bool:
        """False (and the batch finished) when its broadcast stopped or expired."""
        if cast is None or cast.status != "sending":
            status = cast.status if cast is not None and cast.status in STOPPED else "cancelled"
            await store.finish(batch, status, error=status)
            return False
        if cast.expires_at is not None and self.now() >= cast.expires_at:
            await store.finish(batch, "skipped", skipped=batch.size, error="expired")
            return False
        return True

    async def _one(self, batch: DeliveryBatch, cast: Broadcast | None) -> None:
        if cast is None or not await self._due(batch, cast):
            return
        await self._attempt(batch, self._chat(batch, _replies(cast, batch.locale)))

    async def _attempt(self, batch: DeliveryBatch, send: Awaitable[None]) -> bool:
        """Run one batch's send; True when it went out, else its failure is recorded."""
        try:
            await send
            return True
        except DeliveryError as exc:
            await self._failed(batch, exc)
        except Exception as exc:  # a bug or a network oddity: try again later, then give up
            log.warning("batch %s failed: %s", batch.id, type(exc).__name__)
            if not await store.release(batch, min(2 ** batch.attempts, 300), type(exc).__name__):
                await store.finish(batch, "failed", failed=batch.size, error=type(exc).__name__)
        return False

    async def _chat(self, batch: DeliveryBatch, replies: list[Reply]) -> None:
        chat = str(batch.recipients[0])
        pusher = self.pushers(batch.platform)
        if pusher is None or await unreachable(batch.platform, chat):
            reason = "platform_off" if pusher is None else "unfollowed"
            await store.finish(batch, "skipped", skipped=1, error=reason)
            return
        if not await store.begin_send(batch, self.lease):
            return
        for i in range(batch.parts_done, len(replies)):
            await pusher.push_replies(chat, [replies[i]], f"{batch.retry_key}:{i}")
            if i + 1 < len(replies):
                await store.part_done(batch, i + 1)
        await store.finish(batch, "sent", sent=1)

    async def _failed(self, batch: DeliveryBatch, exc: DeliveryError) -> None:
        chat = str(batch.recipients[0]) if batch.platform != "line" else ""
        gone = await after_failure(batch.platform, chat, exc, self.limits)
        if exc.quota:  # the month's LINE messages are spent: stop, do not retry
            await store.finish(batch, "stopped", error="quota")
            if await store.set_status(batch.broadcast_id, "stopped", "quota",
                                      only_from=("sending",)):
                await self.reporter.finished(batch.broadcast_id)
        elif gone is not None:
            await store.finish(batch, "skipped", skipped=batch.size, error=gone)
        elif exc.permanent:
            await store.finish(batch, "failed", failed=batch.size, error=exc.reason)
        else:
            limited = exc.status == 429
            delay = exc.retry_after or (1.0 if limited else min(2 ** batch.attempts, 300))
            if not await store.release(batch, delay, exc.reason, count_attempt=not limited):
                await store.finish(batch, "failed", failed=batch.size, error=exc.reason)

    async def _after(self, broadcast_id: int) -> None:
        """Finish a broadcast with no batch left, or report another tenth of it."""
        cast = await store.get(broadcast_id)
        if cast is None or cast.status != "sending":
            return
        if await store.open_batches(broadcast_id) == 0:
            if await store.set_status(broadcast_id, "done", only_from=("sending",)):
                await self.reporter.finished(broadcast_id)
            return
        if cast.total < self.progress_min or cast.total == 0:
            return
        tenths = (cast.sent + cast.failed + cast.skipped) * 10 // cast.total
        if cast.progress_step < tenths < 10 and await store.advance_progress(broadcast_id,
                                                                             tenths):
            await self.reporter.progress(broadcast_id, tenths)


def _replies(cast: Broadcast, locale: str) -> list[Reply]:
    """The broadcast's replies in a recipient's language (zh-TW when it has none in it)."""
    messages: dict[str, list[dict[str, Any]]] = cast.messages or {}
    chosen = messages.get(locale) or messages.get("zh-TW") or next(iter(messages.values()), [])
    return [reply_from_dict(r) for r in chosen]
