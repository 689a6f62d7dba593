"""i-Voting reminders: scheduled when a period is imported (when it opens, and some hours
before it closes), checked again when due, then sent as a broadcast to the subscribers.

A job is keyed by the period and the date it reminds of, so importing the same calendar twice
schedules nothing new; when a period's dates change, the new reminders are scheduled and the
old ones, finding the dates changed, send nothing. Nothing goes out once a period has closed,
however late the queue runs (checked at the start and for every batch).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.broadcasts.compose import START
from bot.common.content import Content
from bot.core.serialize import reply_to_dict
from bot.ivoting.calendar import CITYWIDE, Period
from bot.ivoting.view import reminder_card
from bot.storage import broadcasts as store
from bot.storage import ivoting, jobs
from bot.storage.models import Job

log = logging.getLogger("bot.ivoting")
KIND = "ivoting_remind"
LOCALES = ("zh-TW", "en")


def reminder_times(p: Period, open_reminder: bool, closing_hours: int) -> dict[str, datetime]:
    """which -> when: 'open' at opening, 'closing' closing_hours before it closes (only when
    that falls after the opening)."""
    times: dict[str, datetime] = {}
    if open_reminder:
        times["open"] = p.opens
    if closing_hours > 0 and p.closes - timedelta(hours=closing_hours) > p.opens:
        times["closing"] = p.closes - timedelta(hours=closing_hours)
    return times


async def schedule(p: Period, open_reminder: bool, closing_hours: int) -> int:
    """Queue a period's reminders (idempotent); how many times it has."""
    times = reminder_times(p, open_reminder, closing_hours)
    for which, when in times.items():
        payload = {"period": p.id, "which": which, "opens": p.opens.isoformat(),
                   "closes": p.closes.isoformat(), "hours": closing_hours}
        key = f"ivoting:{p.id}:{which}:{_stamp(p)}"
        await jobs.enqueue(KIND, payload, dedupe_key=key, run_at=when)
    return len(times)


class Reminders:
    """Runs ivoting_remind jobs: checks the period, then starts a broadcast to subscribers."""

    def __init__(self, content: Content, now: Callable[[], datetime]) -> None:
        self.content = content
        self.now = now

    async def run(self, payload: dict[str, Any], job: Job) -> None:
        """Send one reminder, unless the period is gone, moved or closed."""
        p = await ivoting.get(str(payload.get("period", "")))
        if p is None or (p.opens, p.closes) != (_when(payload, "opens"), _when(payload, "closes")):
            log.info("ivoting reminder job %s: the period changed or was removed", job.id)
            return
        now = self.now()
        if now >= p.closes:
            log.info("ivoting reminder job %s: period %s closed already", job.id, p.id)
            return
        which = str(payload.get("which", "open"))
        hours = int(payload.get("hours", 24))
        messages = {lang: [reply_to_dict(reminder_card(self.content, p, which, hours, lang))]
                    for lang in LOCALES}
        audience = "ivoting" if p.scope == CITYWIDE else f"ivoting:{p.scope}"
        key = f"ivoting:{p.id}:{which}:{_stamp(p)}"
        cast = await store.create(audience=audience, messages=messages, run_at=now,
                                  district=p.scope, expires_at=p.closes, kind="ivoting", key=key)
        if cast is not None:
            await jobs.enqueue(START, {"id": cast.id}, dedupe_key=f"broadcast:{cast.id}:start")


def _when(payload: dict[str, Any], name: str) -> datetime | None:
    try:
        return datetime.fromisoformat(str(payload.get(name)))
    except ValueError:
        return None


def _stamp(p: Period) -> str:
    """The period's dates in one key part (UTC, however they were written)."""
    return f"{p.opens.astimezone(UTC):%Y%m%d%H%M}:{p.closes.astimezone(UTC):%Y%m%d%H%M}"
