"""The gauges that need the database (or LINE), read when /metrics is scraped.

Never per turn: a scrape reads them at most once per MIN_INTERVAL (a few cheap indexed
queries) under a short timeout, and keeps the last values when the database is slow or down
(`civicbot_sample_failures_total` counts that). LINE's quota is asked at most every
QUOTA_INTERVAL: it is two API calls and changes slowly.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from tortoise.expressions import Q
from tortoise.functions import Count

from bot.common import metrics as m
from bot.delivery.ports import Quota
from bot.storage.models import Broadcast, InboundEvent, Job, Ticket

log = logging.getLogger("bot.metrics")
MIN_INTERVAL = 5.0
TIMEOUT = 2.0
QUOTA_INTERVAL = 300.0
QuotaReader = Callable[[], Awaitable[Quota]]


class Sampler:
    """One per process; refresh() before rendering /metrics."""

    def __init__(self, quota: QuotaReader | None = None) -> None:
        self.quota = quota
        self._at = self._quota_at = -1e9
        self._lock = asyncio.Lock()

    async def refresh(self) -> None:
        """Read the sampled gauges unless read in the last MIN_INTERVAL seconds."""
        async with self._lock:  # scrapes that overlap share one reading
            if time.monotonic() - self._at < MIN_INTERVAL:
                return
            self._at = time.monotonic()
            try:
                await asyncio.wait_for(sample_database(), TIMEOUT)
                m.SAMPLED_AT.set(time.time())
            except Exception as exc:
                m.SAMPLE_FAILURES.inc()
                m.database_error("metrics")
                log.warning("metrics sample failed: %s", type(exc).__name__)
            await self._line_quota()

    async def _line_quota(self) -> None:
        if self.quota is None or time.monotonic() - self._quota_at < QUOTA_INTERVAL:
            return
        self._quota_at = time.monotonic()
        try:
            quota = await asyncio.wait_for(self.quota(), TIMEOUT)
        except Exception as exc:  # the last value stays; the next try in QUOTA_INTERVAL
            log.warning("LINE quota not read: %s", type(exc).__name__)
            return
        if quota.limit is not None:
            m.LINE_QUOTA_LIMIT.set(quota.limit)
            m.LINE_QUOTA_LEFT.set(quota.remaining or 0)


def _age(then: datetime | None, now: datetime) -> float:
    return max(0.0, (now - then).total_seconds()) if then is not None else 0.0


async def sample_database() -> None:
    """Inbox, jobs, broadcasts and tickets, read now into their gauges."""
    now = datetime.now(UTC)
    found = dict.fromkeys(("pending", "handled", "dead"), 0)
    for status, n in await InboundEvent.filter(status__in=list(found)).annotate(
            n=Count("id")).group_by("status").values_list("status", "n"):
        found[str(status)] = int(n)
    for status, n in found.items():
        m.INBOX.labels(status).set(n)
    oldest = await InboundEvent.filter(status__in=["pending", "handled"]).order_by(
        "received_at").first().values_list("received_at", flat=True)
    m.INBOX_OLDEST.set(_age(oldest, now))  # type: ignore[arg-type]
    due = Job.filter(status="pending", run_at__lte=now).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=now))
    m.JOBS_DUE.set(await due.count())
    first = await due.order_by("run_at").first().values_list("run_at", flat=True)
    m.JOBS_LAG.set(_age(first, now))  # type: ignore[arg-type]
    await _broadcasts()
    await _tickets(now)


async def _broadcasts() -> None:
    for status in ("scheduled", "sending"):
        m.BROADCASTS.labels(status).set(await Broadcast.filter(status=status).count())
    states = ("total", "sent", "failed", "skipped")
    rows = await Broadcast.filter(status="sending").values_list(*states)  # a few at most
    for n, state in enumerate(states):
        m.BROADCAST_RECIPIENTS.labels(state).set(sum(int(row[n] or 0) for row in rows))


async def _tickets(now: datetime) -> None:
    open_ = Ticket.filter(status="open")
    m.TICKETS_OPEN.set(await open_.count())
    unclaimed = open_.filter(claimed_by__isnull=True)
    m.TICKETS_UNCLAIMED.set(await unclaimed.count())
    first = await unclaimed.order_by("created_at").first().values_list("created_at",
                                                                        flat=True)
    m.TICKETS_WAIT.set(_age(first, now))  # type: ignore[arg-type]
