"""Inbound events: recorded before the webhook answers, claimed and processed by workers.

Life of a row: pending -> handled (conversation saved, replies stored) -> done (delivered).
A claim is a lease (locked_until); an expired lease makes the row claimable again, so an event
whose worker died is picked up by another worker or after a restart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from bot.storage.models import InboundEvent

MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class NewEvent:
    """An event to record: its platform-unique key, conversation key and raw payload."""

    event_key: str
    conv_key: str
    payload: dict[str, Any]


async def record(platform: str, events: list[NewEvent]) -> None:
    """Store events; an event already stored (a redelivery) is ignored."""
    await record_many([(platform, e) for e in events])


async def record_many(events: list[tuple[str, NewEvent]]) -> None:
    """Store (platform, event) pairs in one transaction; redeliveries are ignored."""
    unique = {(platform, e.event_key): (platform, e) for platform, e in events}
    if not unique:
        return
    rows = [
        InboundEvent(platform=platform, event_key=e.event_key, conv_key=e.conv_key,
                     payload=json.dumps(e.payload, ensure_ascii=False))
        for platform, e in unique.values()
    ]
    async with in_transaction() as conn:
        await InboundEvent.bulk_create(rows, ignore_conflicts=True, using_db=conn)


def _now() -> datetime:
    return datetime.now(UTC)


async def claim(limit: int, platforms: list[str], lease_seconds: float = 60.0
                ) -> list[InboundEvent]:
    """Lease up to limit claimable rows of these platforms to this worker, oldest first."""
    now = _now()
    async with in_transaction() as conn:
        rows = (
            await InboundEvent.filter(status__in=("pending", "handled"), platform__in=platforms)
            .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
            .order_by("id").limit(limit)
            .select_for_update(skip_locked=True).using_db(conn)
        )
        if not rows:
            return []
        until = now + timedelta(seconds=lease_seconds)
        await InboundEvent.filter(id__in=[r.id for r in rows]).using_db(conn).update(
            locked_until=until, attempts=F("attempts") + 1
        )
    return rows


async def mark_handled(event_id: int, replies: list[dict[str, Any]]) -> None:
    """The turn is saved; keep its replies until they are delivered."""
    await InboundEvent.filter(id=event_id).update(
        status="handled", replies=json.dumps(replies, ensure_ascii=False)
    )


async def mark_handled_many(handled: dict[int, list[dict[str, Any]]]) -> None:
    """Several turns are saved (one statement; call inside the saving transaction)."""
    rows = []
    for event_id, replies in handled.items():
        rows.append(InboundEvent(id=event_id, status="handled",
                                 replies=json.dumps(replies, ensure_ascii=False)))
    if rows:
        await InboundEvent.bulk_update(rows, fields=["status", "replies"])


async def mark_done(event_ids: list[int], error: str | None = None) -> None:
    """Delivered (or given up): never claimed again."""
    if event_ids:
        await InboundEvent.filter(id__in=event_ids).update(
            status="failed" if error else "done", locked_until=None, processed_at=_now(),
            error=error, replies=None,
        )


async def release(event_id: int, error: str) -> None:
    """Give the row back after a passing failure; give up after MAX_ATTEMPTS."""
    row = await InboundEvent.get_or_none(id=event_id)
    if row is None:
        return
    if row.attempts >= MAX_ATTEMPTS:
        await mark_done([event_id], error=error[:200])
        return
    backoff = timedelta(seconds=min(2 ** row.attempts, 60))
    await InboundEvent.filter(id=event_id).update(locked_until=_now() + backoff, error=error[:200])


async def release_now(event_ids: list[int], reason: str) -> None:
    """Give rows back for an immediate retry (a conflict is not a failed attempt)."""
    if event_ids:
        await InboundEvent.filter(id__in=event_ids).update(
            locked_until=None, attempts=F("attempts") - 1, error=reason[:200])


async def counts() -> dict[str, int]:
    """Rows per status (for /healthz and tests)."""
    result: dict[str, int] = {}
    for status in ("pending", "handled", "done", "failed"):
        result[status] = await InboundEvent.filter(status=status).count()
    return result
