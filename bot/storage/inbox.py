"""Inbound events: recorded before the webhook answers, claimed and processed by workers.

Life of a row: pending -> handled (conversation saved, replies stored) -> done (delivered).
A platform that refuses for good (the user blocked the bot, a malformed request) or a turn
that keeps failing (a bug) ends in `dead`, with the reason, until `run.py inbox retry`.
A platform that is down is retried with back-off for RETRY_FOR: an outage loses nothing.

A claim is a short lease (locked_until) that the worker renews while it works, so the events
of a worker that died wait seconds, not minutes, before another worker (or a restart) takes
them. The same column holds a row back during a retry's back-off.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise import connections
from tortoise.expressions import F, Q
from tortoise.functions import Count

from bot.storage import batch_sql
from bot.storage.models import InboundEvent

LEASE_SECONDS = 15.0
MAX_TURN_ATTEMPTS = 5  # a turn that failed this often is a bug: dead until `inbox retry`
RETRY_FOR = timedelta(hours=12)  # transient delivery failures (an outage) are retried this long
MAX_BACKOFF = 300.0
WAITING = ("pending", "handled")
# reply_state: a reply is (or was) in flight and LINE has not said whether it went out ...
REPLY_TRYING = "trying"
# ... or the token grew too old to ask: the answer was pushed anyway (maybe seen twice).
REPLY_UNKNOWN = "unknown"
STATUSES = ("pending", "handled", "done", "dead")


@dataclass(frozen=True)
class NewEvent:
    """An event to record: its platform-unique key, conversation key and raw payload."""

    event_key: str
    conv_key: str
    payload: dict[str, Any]


async def record(platform: str, events: list[NewEvent]) -> None:
    """Store events; an event already stored (a redelivery) is ignored."""
    await record_many([(platform, e) for e in events])


async def record_many(events: list[tuple[str, NewEvent]], lease_seconds: float | None = None
                      ) -> list[InboundEvent]:
    """Store (platform, event) pairs in one statement (so all or none); redeliveries are
    ignored. With lease_seconds the new rows are leased to this process (see
    bot.storage.handoff) and returned as stored; otherwise nothing is returned."""
    unique = {(platform, e.event_key): (platform, e) for platform, e in events}
    payloads = {key: json.dumps(e.payload, ensure_ascii=False) for key, (_, e) in unique.items()}
    now = _now()
    until = None if lease_seconds is None else now + timedelta(seconds=lease_seconds)
    ids = await batch_sql.record_events(
        [(platform, e.event_key, e.conv_key, payloads[platform, e.event_key])
         for platform, e in unique.values()], now, until)
    if until is None:
        return []
    return [InboundEvent(id=ids[key], platform=key[0], event_key=key[1],
                         conv_key=unique[key][1].conv_key, payload=payloads[key],
                         status="pending", attempts=1, locked_until=until, received_at=now,
                         sent=0) for key in unique if key in ids]


def _now() -> datetime:
    return datetime.now(UTC)


def single_process() -> bool:
    """True on SQLite: one process per database by design, so every lease is this one's."""
    return bool(connections.get("default").capabilities.dialect == "sqlite")


async def claim(limit: int, platforms: list[str], lease_seconds: float = LEASE_SECONDS
                ) -> list[InboundEvent]:
    """Lease up to limit claimable rows of these platforms to this worker, oldest first."""
    if not platforms:
        return []
    now = _now()
    rows = await batch_sql.claim(limit, platforms, now, now + timedelta(seconds=lease_seconds))
    return [InboundEvent._init_from_db(**row) for row in rows]


async def renew(event_ids: list[int], lease_seconds: float = LEASE_SECONDS) -> None:
    """Extend the lease of rows this worker still holds."""
    if event_ids:
        await InboundEvent.filter(id__in=event_ids, status__in=WAITING).update(
            locked_until=_now() + timedelta(seconds=lease_seconds))


async def release_all_leases() -> int:
    """Make every waiting row claimable now (SQLite at start-up: its one process died)."""
    return await InboundEvent.filter(status__in=WAITING, locked_until__isnull=False).update(
        locked_until=None)


async def mark_handled(event_id: int, replies: list[dict[str, Any]]) -> None:
    """The turn is saved; keep its replies until they are delivered."""
    await InboundEvent.filter(id=event_id).update(
        status="handled", replies=json.dumps(replies, ensure_ascii=False)
    )


async def mark_handled_many(handled: dict[int, list[dict[str, Any]]]) -> None:
    """Several turns are saved (one statement; call inside the saving transaction)."""
    await batch_sql.mark_handled(
        {event_id: json.dumps(replies, ensure_ascii=False) for event_id, replies in
         handled.items()})


async def mark_done(event_ids: list[int]) -> None:
    """Delivered (or nothing to deliver): never claimed again."""
    if event_ids:
        # "trying" left on a row delivered now means the reply was confirmed (see worker).
        await InboundEvent.filter(id__in=event_ids, reply_state=REPLY_TRYING).update(
            reply_state=None)
        await InboundEvent.filter(id__in=event_ids).update(
            status="done", locked_until=None, processed_at=_now(), error=None, replies=None)


async def set_replying(event_ids: list[int]) -> None:
    """A reply is about to leave for each of these rows (its outcome may never be learned)."""
    if event_ids:
        await InboundEvent.filter(id__in=event_ids).update(reply_state="trying")


async def set_progress(event_id: int, *, sent: int | None = None,
                       reply_state: str | None = "") -> None:
    """Record delivery progress: messages confirmed, and whether a reply is in flight."""
    values: dict[str, Any] = {}
    if sent is not None:
        values["sent"] = sent
    if reply_state != "":
        values["reply_state"] = reply_state
    if values:
        await InboundEvent.filter(id=event_id).update(**values)


async def dead(event_id: int, reason: str) -> None:
    """Give up (a permanent refusal, or retries exhausted); replies are kept for a retry."""
    await InboundEvent.filter(id=event_id).update(
        status="dead", locked_until=None, processed_at=_now(), error=reason[:200])


async def retry_later(row: InboundEvent, reason: str, after: float | None = None) -> bool:
    """Back off (or wait `after` seconds, when the platform said) until RETRY_FOR has passed
    since the event arrived (or since `inbox retry`); then dead. True while retrying."""
    deadline = row.retry_until or row.received_at + RETRY_FOR
    if _now() >= deadline:
        await dead(row.id, f"gave up after retrying: {reason}")
        return False
    wait = after if after is not None else _backoff(row.attempts)
    await InboundEvent.filter(id=row.id).update(
        locked_until=_now() + timedelta(seconds=wait), error=reason[:200])
    return True


async def turn_failed(row: InboundEvent, reason: str) -> bool:
    """Back off after a failed turn; dead after MAX_TURN_ATTEMPTS. True while retrying."""
    if row.attempts >= MAX_TURN_ATTEMPTS:
        await dead(row.id, reason)
        return False
    await InboundEvent.filter(id=row.id).update(
        locked_until=_now() + timedelta(seconds=_backoff(row.attempts)), error=reason[:200])
    return True


def _backoff(attempts: int) -> float:
    return min(2.0 ** max(attempts, 1), MAX_BACKOFF)


async def release_now(event_ids: list[int], reason: str) -> None:
    """Give rows back for an immediate retry (a conflict is not a failed attempt)."""
    if event_ids:
        await InboundEvent.filter(id__in=event_ids).update(
            locked_until=None, attempts=F("attempts") - 1, error=reason[:200])


async def write_probe() -> None:
    """A write that changes nothing: raises (or waits) while the database takes no writes
    (SQLite: another process holds the write lock)."""
    await InboundEvent.filter(id=0).update(locked_until=None)


async def counts() -> dict[str, int]:
    """Rows per status (for /healthz and tests)."""
    result: dict[str, int] = {}
    for status in STATUSES:
        result[status] = await InboundEvent.filter(status=status).count()
    return result


async def report(limit: int = 20) -> dict[str, Any]:
    """For `run.py inbox status`: rows per platform and status, the oldest waiting event,
    the next retry, the latest dead rows (ids, ages and reasons; no personal data), and the
    replies whose outcome is unknown (see unknown_replies)."""
    per: dict[str, dict[str, int]] = {}
    for platform, status, n in await InboundEvent.annotate(n=Count("id")).group_by(
            "platform", "status").values_list("platform", "status", "n"):
        per.setdefault(str(platform), {})[str(status)] = int(n)
    waiting = InboundEvent.filter(status__in=WAITING)
    oldest = await waiting.order_by("received_at").first().values_list("received_at",
                                                                        flat=True)
    retry = await waiting.filter(locked_until__gt=_now()).order_by(
        "locked_until").first().values_list("locked_until", flat=True)
    dead_rows = await InboundEvent.filter(status="dead").order_by("-id").limit(limit).values(
        "id", "platform", "received_at", "attempts", "error")
    return {"counts": per, "oldest_waiting": oldest, "next_retry": retry, "dead": dead_rows,
            "unknown": await unknown_replies(limit)}


async def unknown_replies(limit: int = 20) -> dict[str, Any]:
    """Replies of unknown outcome: `asking` (still waiting or dead, LINE not asked yet),
    `pushed` (done; the token was too old to ask, so the answer was pushed too and may
    have been seen twice), `unconfirmed` (done but never confirmed nor pushed: left by
    versions before this rule; `inbox retry` puts them back) with the latter's ids."""
    trying = InboundEvent.filter(reply_state=REPLY_TRYING)
    unconfirmed = trying.filter(status="done")
    return {"asking": await trying.filter(status__in=(*WAITING, "dead")).count(),
            "pushed": await InboundEvent.filter(reply_state=REPLY_UNKNOWN,
                                                status="done").count(),
            "unconfirmed": await unconfirmed.count(),
            "unconfirmed_ids": await unconfirmed.order_by("-id").limit(limit).values_list(
                "id", flat=True)}


async def requeue(event_ids: list[int] | None = None) -> int:
    """Put dead rows, and done rows whose reply was never confirmed (all, or these ids) back:
    delivered again if their turn was saved, else run again; retried for another RETRY_FOR.
    Waiting rows with a reply of unknown outcome are retried now. Returns how many."""
    stuck = Q(status="dead") | Q(status="done", reply_state=REPLY_TRYING)
    query = InboundEvent.filter(stuck)
    waiting = InboundEvent.filter(status__in=WAITING, reply_state=REPLY_TRYING)
    if event_ids is not None:
        query, waiting = query.filter(id__in=event_ids), waiting.filter(id__in=event_ids)
    common = {"attempts": 0, "locked_until": None, "error": None,
              "retry_until": _now() + RETRY_FOR, "processed_at": None}
    now = await waiting.update(locked_until=None, retry_until=common["retry_until"])
    saved = await query.filter(replies__isnull=False).update(status="handled", **common)
    unsaved = await query.filter(replies__isnull=True).update(status="pending", **common)
    return int(now) + int(saved) + int(unsaved)
