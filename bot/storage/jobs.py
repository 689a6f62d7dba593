"""Durable jobs: enqueue with a dedupe key, claim when due (SKIP LOCKED + lease), finish."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from bot.storage.models import Job

MAX_ATTEMPTS = 8
# What runs one job of a kind: its payload and its row (a feature declares these by kind).
JobHandler = Callable[[dict[str, Any], Job], Awaitable[None]]


def _now() -> datetime:
    return datetime.now(UTC)


async def enqueue(kind: str, payload: dict[str, Any], *, dedupe_key: str,
                  run_at: datetime | str | None = None) -> None:
    """Create a job unless one with dedupe_key exists."""
    when = datetime.fromisoformat(run_at) if isinstance(run_at, str) else run_at
    job = Job(kind=kind, payload=json.dumps(payload, ensure_ascii=False),
              dedupe_key=dedupe_key[:191], run_at=when or _now())
    await Job.bulk_create([job], ignore_conflicts=True)


async def enqueue_send(platform: str, chat_id: str, replies: list[dict[str, Any]], *,
                       dedupe_key: str, run_at: datetime | str | None = None) -> None:
    """Queue replies (as reply dicts) for a chat on a platform."""
    payload = {"platform": platform, "chat_id": chat_id, "replies": replies}
    await enqueue("send", payload, dedupe_key=dedupe_key, run_at=run_at)


async def claim_due(limit: int, lease_seconds: float = 120.0,
                    now: datetime | None = None) -> list[Job]:
    """Lease up to limit jobs due at now (default: the real time), oldest run_at first."""
    now = _now() if now is None else (now if now.tzinfo else now.astimezone()).astimezone(UTC)
    async with in_transaction() as conn:
        rows = (
            await Job.filter(status="pending", run_at__lte=now)
            .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
            .order_by("run_at", "id").limit(limit)
            .select_for_update(skip_locked=True).using_db(conn)
        )
        if rows:
            await Job.filter(id__in=[r.id for r in rows]).using_db(conn).update(
                locked_until=now + timedelta(seconds=lease_seconds),
                attempts=F("attempts") + 1)
    return rows


async def finish(job_id: int, error: str | None = None) -> None:
    """Done (or failed for good)."""
    await Job.filter(id=job_id).update(status="failed" if error else "done",
                                       finished_at=_now(), locked_until=None, error=error)


async def retry_later(job: Job, error: str, after: float | None = None) -> None:
    """Back off exponentially (or `after` seconds, when the platform said); give up after
    MAX_ATTEMPTS."""
    if job.attempts >= MAX_ATTEMPTS:
        await finish(job.id, error=error[:200])
        return
    delay = timedelta(seconds=after if after is not None else min(2 ** job.attempts, 600))
    await Job.filter(id=job.id).update(locked_until=_now() + delay, error=error[:200])
