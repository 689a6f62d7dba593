"""Broadcasts and their delivery batches: create, start (batches written with the start),
claim (SKIP LOCKED + lease + claim token), record each send, count, cancel, stop, report."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from bot.storage.models import Broadcast, DeliveryBatch

OPEN = ("pending", "sending")  # a batch still to be sent
ACTIVE = ("scheduled", "sending")  # a broadcast that may still send
MAX_ATTEMPTS = 10


def now() -> datetime:
    """The current time (UTC)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class NewBatch:
    """A batch to write when a broadcast starts."""

    platform: str
    locale: str
    recipients: list[str]
    status: str = "pending"  # or "skipped" with a reason (e.g. the platform is off here)
    error: str = ""


async def create(*, audience: str, messages: dict[str, list[dict[str, Any]]], run_at: datetime,
                 district: str = "", sender: tuple[str, str, str] = ("", "", ""),
                 urgent: bool = False, expires_at: datetime | None = None,
                 kind: str = "broadcast", key: str | None = None) -> Broadcast | None:
    """A scheduled broadcast; None when one with this key exists already (a reminder)."""
    platform, chat, user = sender
    try:
        return await Broadcast.create(
            key=key, kind=kind, audience=audience[:80], district=district, messages=messages,
            sender_platform=platform, sender_chat=chat, sender_user=user, urgent=urgent,
            run_at=run_at, expires_at=expires_at)
    except IntegrityError:
        return None


async def get(broadcast_id: int) -> Broadcast | None:
    """One broadcast."""
    return await Broadcast.get_or_none(id=broadcast_id)


async def scheduled() -> list[Broadcast]:
    """Broadcasts waiting for their time (not yet started, not cancelled), soonest first."""
    return await Broadcast.filter(status="scheduled").order_by("run_at", "id")


async def recent(limit: int = 30) -> list[Broadcast]:
    """The newest broadcasts first."""
    return await Broadcast.all().order_by("-id").limit(limit)


async def start(broadcast_id: int, batches: list[NewBatch], line_cost: int,
                urgent: bool) -> bool:
    """Write the batches and mark the broadcast sending, together; False when it had already
    started (or was cancelled), so nothing is written twice."""
    moment = now()
    per_platform: dict[str, int] = {}
    for b in batches:
        per_platform[b.platform] = per_platform.get(b.platform, 0) + len(b.recipients)
    rows = [DeliveryBatch(broadcast_id=broadcast_id, platform=b.platform, locale=b.locale,
                          recipients=b.recipients, size=len(b.recipients),
                          retry_key=str(uuid.uuid4()), urgent=urgent,
                          status=b.status, error=b.error, run_at=moment,
                          skipped_count=len(b.recipients) if b.status == "skipped" else 0,
                          finished_at=moment if b.status != "pending" else None)
            for b in batches]
    skipped = sum(r.skipped_count for r in rows)
    async with in_transaction() as conn:
        moved = await Broadcast.filter(id=broadcast_id, status="scheduled").using_db(conn).update(
            status="sending", started_at=moment, total=sum(per_platform.values()),
            per_platform=per_platform, line_cost=line_cost, skipped=skipped)
        if moved:
            await DeliveryBatch.bulk_create(rows, batch_size=500, using_db=conn)
    return bool(moved)


async def set_status(broadcast_id: int, status: str, error: str = "",
                     only_from: tuple[str, ...] = ACTIVE) -> bool:
    """Move a broadcast that is in only_from to status (refused, cancelled, stopped, done);
    its batches not yet sent follow when it stops sending."""
    async with in_transaction() as conn:
        moved = await Broadcast.filter(id=broadcast_id, status__in=only_from).using_db(
            conn).update(status=status, error=error[:300], finished_at=now())
        if moved and status in ("cancelled", "stopped"):
            # Batches in flight finish as they went; the rest will not be sent.
            await DeliveryBatch.filter(broadcast_id=broadcast_id, status="pending").using_db(
                conn).update(status=status, error=status, finished_at=now())
    return bool(moved)


async def claim(platform: str, limit: int, lease: float, *, urgent_only: bool = False
                ) -> tuple[str, list[DeliveryBatch]]:
    """Lease up to limit due batches of a platform to this worker; (claim token, batches)."""
    moment, token = now(), secrets.token_hex(6)
    async with in_transaction() as conn:
        query = DeliveryBatch.filter(status__in=OPEN, platform=platform, run_at__lte=moment) \
            .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=moment))
        if urgent_only:
            query = query.filter(urgent=True)
        rows = await query.order_by("id").limit(limit).select_for_update(
            skip_locked=True).using_db(conn)
        if rows:
            await DeliveryBatch.filter(id__in=[r.id for r in rows]).using_db(conn).update(
                locked_until=moment + timedelta(seconds=lease), claim=token,
                attempts=F("attempts") + 1)
    for row in rows:
        row.claim = token
    return token, rows


async def begin_send(batch: DeliveryBatch, lease: float) -> bool:
    """Record that this batch is about to go out (before the call); False when it is no
    longer ours to send (cancelled, or its lease passed to another worker)."""
    return bool(await DeliveryBatch.filter(id=batch.id, claim=batch.claim, status__in=OPEN)
                .update(status="sending", locked_until=now() + timedelta(seconds=lease)))


async def part_done(batch: DeliveryBatch, parts: int) -> None:
    """One chat got `parts` of the broadcast's replies (a crash resumes after them)."""
    await DeliveryBatch.filter(id=batch.id, claim=batch.claim).update(parts_done=parts)


async def finish(batch: DeliveryBatch, status: str, *, sent: int = 0, skipped: int = 0,
                 failed: int = 0, error: str = "") -> bool:
    """Record the batch's outcome (after the call) and count it on its broadcast, together."""
    async with in_transaction() as conn:
        done = await DeliveryBatch.filter(id=batch.id, claim=batch.claim, status__in=OPEN) \
            .using_db(conn).update(status=status, sent_count=sent, skipped_count=skipped,
                                   error=error[:200], locked_until=None, finished_at=now())
        if done:
            await Broadcast.filter(id=batch.broadcast_id).using_db(conn).update(
                sent=F("sent") + sent, skipped=F("skipped") + skipped,
                failed=F("failed") + failed)
    return bool(done)


async def release(batch: DeliveryBatch, delay: float, error: str, *,
                  count_attempt: bool = True) -> bool:
    """Give a batch back to be tried after delay seconds; False when it has had its tries
    (then the caller fails it)."""
    if count_attempt and batch.attempts >= MAX_ATTEMPTS:
        return False
    attempts = batch.attempts if count_attempt else batch.attempts - 1
    await DeliveryBatch.filter(id=batch.id, claim=batch.claim, status__in=OPEN).update(
        run_at=now() + timedelta(seconds=delay), locked_until=None, attempts=attempts,
        error=error[:200])
    return True


async def open_batches(broadcast_id: int) -> int:
    """How many batches of a broadcast are still to be sent."""
    return await DeliveryBatch.filter(broadcast_id=broadcast_id, status__in=OPEN).count()


async def advance_progress(broadcast_id: int, step: int) -> bool:
    """Claim the right to report progress step (tenths); True for exactly one caller."""
    return bool(await Broadcast.filter(id=broadcast_id, progress_step__lt=step,
                                       status="sending").update(progress_step=step))


async def reasons(broadcast_id: int) -> dict[str, int]:
    """Recipients not reached, by reason: skipped (unfollowed, blocked, ...) and failed."""
    rows = await DeliveryBatch.filter(broadcast_id=broadcast_id).filter(
        Q(status__in=("failed", "skipped", "stopped", "cancelled")) | Q(skipped_count__gt=0)) \
        .values_list("status", "error", "size", "sent_count", "skipped_count")
    found: dict[str, int] = {}
    for status, error, size, sent, skipped in rows:
        count = int(skipped) if status == "sent" else int(size) - int(sent)
        key = str(error or status)
        found[key] = found.get(key, 0) + count
    return found
