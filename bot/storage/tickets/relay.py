"""What the relay jobs and the sweep need: per-ticket leases, pending messages, kept reply
tokens, delivery batches, and the tickets due a nudge or a quiet close.

A lease (a timestamp column) keeps one worker at a time relaying a ticket in one direction, on
SQLite and PostgreSQL alike, without holding a transaction across a call to a platform.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import Q

from bot.storage.models import Ticket, TicketMessage
from bot.storage.tickets.store import IN, NOTE, OUT
from bot.tickets.view import OPEN

LEASE = timedelta(seconds=90)
GROUP_LOCK, RESIDENT_LOCK = "group_lock", "resident_lock"


def _now() -> datetime:
    return datetime.now(UTC)


def _free(column: str, now: datetime) -> Q:
    unset: dict[str, Any] = {f"{column}__isnull": True}
    expired: dict[str, Any] = {f"{column}__lt": now}
    return Q(**unset) | Q(**expired)


async def lease(ticket_id: int, column: str) -> bool:
    """Take the ticket's lease for one direction; False when another worker holds it."""
    now = _now()
    values: dict[str, Any] = {column: now + LEASE}
    return bool(await Ticket.filter(_free(column, now), id=ticket_id).update(**values))


async def release(ticket_id: int, column: str) -> None:
    """Give the lease back."""
    values: dict[str, Any] = {column: None}
    await Ticket.filter(id=ticket_id).update(**values)


async def to_group(ticket_id: int) -> list[TicketMessage]:
    """Resident messages and notes not yet relayed to the group, oldest first."""
    return await TicketMessage.filter(ticket_id=ticket_id, direction__in=(IN, NOTE),
                                      sent_at__isnull=True).order_by("id")


async def to_resident(ticket_id: int, limit: int) -> list[TicketMessage]:
    """Volunteer answers not yet delivered: a batch tried before (same retry key) first."""
    pending = TicketMessage.filter(ticket_id=ticket_id, direction=OUT, sent_at__isnull=True,
                                   error__isnull=True)
    tried = await pending.filter(batch__isnull=False).order_by("id")
    if tried:
        return [m for m in tried if m.batch == tried[0].batch]
    return await pending.order_by("id").limit(limit)


async def set_batch(messages: list[TicketMessage]) -> str:
    """Fix the batch (its retry key) before sending, so a retry sends the same batch."""
    batch = messages[0].batch or str(messages[0].id)
    await TicketMessage.filter(id__in=[m.id for m in messages]).update(batch=batch)
    return batch


async def mark_sent(message_ids: list[int]) -> None:
    """Relayed or delivered."""
    if message_ids:
        await TicketMessage.filter(id__in=message_ids).update(sent_at=_now())


async def mark_failed(message_ids: list[int], error: str) -> None:
    """Could never be delivered (the resident blocked the bot, ...)."""
    if message_ids:
        await TicketMessage.filter(id__in=message_ids).update(error=error[:200])


async def take_reply_token(ticket_id: int, now: datetime) -> str | None:
    """The resident's kept reply token if still fresh, taken so nobody uses it twice."""
    row = await Ticket.get_or_none(id=ticket_id)
    if row is None or not row.reply_token or row.reply_until is None or row.reply_until <= now:
        return None
    taken = await Ticket.filter(id=ticket_id, reply_token=row.reply_token).update(
        reply_token=None, reply_until=None)
    return row.reply_token if taken else None


async def set_place(ticket_id: int, *, group_chat: str, thread_id: str | None = None,
                    card_id: str | None = None) -> None:
    """Where the ticket now sits in the group."""
    await Ticket.filter(id=ticket_id).update(group_chat=group_chat, thread_id=thread_id,
                                             card_id=card_id, group_error=None)


async def set_group_error(ticket_id: int, error: str) -> None:
    """Why the ticket could not be posted (shown by `run.py volunteers list`)."""
    await Ticket.filter(id=ticket_id).update(group_error=error[:200])


async def unposted(limit: int = 500) -> list[Ticket]:
    """Open tickets not in any group yet (no group was configured, or it failed)."""
    return await Ticket.filter(status=OPEN, card_id__isnull=True).order_by("id").limit(limit)


async def stranded(before: datetime, limit: int = 100) -> list[tuple[int, str]]:
    """(ticket id, direction) with messages older than before still waiting to be relayed."""
    rows = await TicketMessage.filter(sent_at__isnull=True, error__isnull=True,
                                      created_at__lt=before, ticket__card_id__isnull=False
                                      ).order_by("id").limit(limit).values_list(
        "ticket_id", "direction")
    return sorted({(int(t), OUT if d == OUT else IN) for t, d in rows})


def _not_nudged(column: str, period: datetime | None) -> Q:
    """Not nudged yet, or (period: the duty period's start) nudged in an earlier period."""
    isnull: dict[str, Any] = {f"{column}__isnull": True}
    earlier: dict[str, Any] = {f"{column}__lt": period}
    return Q(**isnull) if period is None else Q(**isnull) | Q(**earlier)


async def due_unclaimed(before: datetime, limit: int,
                        period: datetime | None = None) -> list[Ticket]:
    """Open tickets nobody claimed since before, not nudged in this duty period."""
    return await Ticket.filter(_not_nudged("nudged_unclaimed_at", period), status=OPEN,
                               claimed_by__isnull=True, created_at__lt=before,
                               card_id__isnull=False).order_by("id").limit(limit)


async def due_unanswered(before: datetime, limit: int,
                         period: datetime | None = None) -> list[Ticket]:
    """Open tickets claimed before `before` with no answer since, not nudged for it in this
    duty period."""
    rows = await Ticket.filter(_not_nudged("nudged_unanswered_at", period), status=OPEN,
                               claimed_at__lt=before).order_by("id").limit(limit)
    return [r for r in rows if r.claimed_at is not None
            and (r.answered_at is None or r.answered_at < r.claimed_at)]


async def mark_nudged(ids: list[int], column: str, now: datetime) -> None:
    """Remember a nudge was sent (each ticket is nudged once per reason)."""
    values: dict[str, Any] = {column: now}
    if ids:
        await Ticket.filter(id__in=ids).update(**values)


async def quiet(before: datetime, limit: int) -> list[Ticket]:
    """Open, answered tickets where neither side wrote since before."""
    rows = await Ticket.filter(status=OPEN, answered_at__lt=before).order_by("id").limit(limit)
    return [r for r in rows if r.resident_at is None or r.resident_at < before]
