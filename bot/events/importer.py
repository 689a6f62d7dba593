"""`run.py events import FILE`: add or update events, and tell registrants what changed.

Per event, in one transaction with the event row locked: a new event is added; a changed one
is updated, and when its time, place or status changed its version goes up, every registrant
(seats, held seats, waiting list) gets a notice of what changed (old → new, merged with a
notice still waiting to go out, so they hear one up-to-date message), pending reminders are
replaced (dropped for a cancelled event), and seats that became free are offered on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from bot.events import policy
from bot.events.policy import aware
from bot.events.spec import EventSpec
from bot.storage import events_seats, jobs
from bot.storage.models import Event, EventRegistration, Job

NOTICED = ("starts", "ends", "place", "status")  # changes registrants are told about


@dataclass
class ImportReport:
    """What an import did, for the office's terminal."""

    added: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[str]]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    notified: int = 0
    warnings: list[str] = field(default_factory=list)


async def import_events(specs: list[EventSpec], now: datetime) -> ImportReport:
    """Add or update every event; each in its own transaction."""
    report = ImportReport()
    for spec in specs:
        async with in_transaction():
            await _one(spec, now, report)
    return report


def _values(spec: EventSpec) -> dict[str, Any]:
    values = {f.name: getattr(spec, f.name) for f in fields(spec) if f.name != "id"}
    return {k: aware(v) if isinstance(v, datetime) else v for k, v in values.items()}


async def _one(spec: EventSpec, now: datetime, report: ImportReport) -> None:
    new = _values(spec)
    row = await events_seats.lock(spec.id)
    if row is None:
        await Event.create(id=spec.id, **new)
        report.added.append(spec.id)
        return
    old = {k: getattr(row, k) for k in new}
    diff = [k for k in new if _differs(old[k], new[k])]
    if not diff:
        report.unchanged.append(spec.id)
        return
    noticed = [k for k in diff if k in NOTICED]
    for key in diff:
        setattr(row, key, new[key])
    if noticed:
        row.version += 1
    await row.save()
    report.changed.append((spec.id, diff))
    if noticed:
        report.notified += await _tell(row, old, now)
        await _reschedule(row, now)
    await events_seats.fill_seats(row, now)
    seated = await EventRegistration.filter(event_id=row.id,
                                            status__in=("registered", "offered")).count()
    if seated > row.capacity:
        report.warnings.append(f"{row.id}: capacity {row.capacity} is below the {seated} "
                               "seats already taken; nobody was removed")


def _differs(old: Any, new: Any) -> bool:
    if isinstance(old, datetime) or isinstance(new, datetime):
        return (aware(old) if old else None) != (aware(new) if new else None)
    return bool(old != new)


async def _tell(row: Event, old: dict[str, Any], now: datetime) -> int:
    """Queue a notice for every registrant; merge with their notice not yet sent."""
    told = {"starts": aware(old["starts"]).isoformat(), "ends": aware(old["ends"]).isoformat(),
            "place": old["place"], "status": old["status"]}
    regs = await EventRegistration.filter(event_id=row.id).order_by("id")
    for reg in regs:
        prefix = f"evc:{row.id}:{reg.id}:"
        waiting = await Job.filter(kind=policy.JOB_CHANGE, status="pending",
                                   locked_until__isnull=True, dedupe_key__startswith=prefix)
        payload = {"reg": reg.id, "version": row.version, "old": told}
        if waiting:  # they have not heard of the last change yet: one notice from what they know
            payload["old"] = _earliest(waiting)
            await Job.filter(id__in=[j.id for j in waiting]).delete()
        await jobs.enqueue(policy.JOB_CHANGE, payload, dedupe_key=f"{prefix}{row.version}",
                           run_at=aware(now))
    return len(regs)


def _earliest(waiting: list[Job]) -> dict[str, Any]:
    first = min(waiting, key=lambda j: int(json.loads(j.payload)["version"]))
    old: dict[str, Any] = json.loads(first.payload)["old"]
    return old


async def _reschedule(row: Event, now: datetime) -> None:
    """Replace pending reminders (none for a cancelled event)."""
    ids = [r.id for r in await EventRegistration.filter(event_id=row.id, status="registered")]
    await events_seats.drop_reminders(ids)
    if row.status == "scheduled":
        for reg_id in ids:
            await events_seats.schedule_reminders(reg_id, row, now)
