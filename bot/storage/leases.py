"""Handing leases back: a stopping process releases the rows it holds, at once.

Without this another process would wait for the lease to run out (15 s for inbox events, two
minutes for jobs). Only rows this process holds are released (their ids), and only while
they still wait: a row another process finished, or one backing off after a failed try,
keeps its state. A claim counted an attempt that never ran: it is taken back.
"""

from __future__ import annotations

from tortoise.expressions import F

from bot.storage.inbox import WAITING
from bot.storage.models import InboundEvent, Job


async def release_events(event_ids: list[int]) -> int:
    """Make these waiting inbox rows claimable now; how many were released."""
    if not event_ids:
        return 0
    return int(await InboundEvent.filter(id__in=event_ids, status__in=WAITING).update(
        locked_until=None, attempts=F("attempts") - 1))


async def release_jobs(job_ids: list[int]) -> int:
    """Make these pending jobs claimable now; how many were released."""
    if not job_ids:
        return 0
    return int(await Job.filter(id__in=job_ids, status="pending").update(
        locked_until=None, attempts=F("attempts") - 1))
