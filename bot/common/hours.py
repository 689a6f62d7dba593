"""When volunteers answer (office hours in Taipei time) and how long things may wait: a
settings value (HANDOFF_*), so it lives beside the settings.

HANDOFF_HOURS reads like "mon-fri 09:00-18:00, sat 10:00-12:00", or "always".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

TAIPEI = timezone(timedelta(hours=8))  # Taiwan keeps no daylight saving time
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PART = re.compile(r"^(?P<days>[a-z]{3}(?:-[a-z]{3})?(?:/[a-z]{3}(?:-[a-z]{3})?)*)\s+"
                   r"(?P<start>\d{1,2}:\d{2})-(?P<end>\d{1,2}:\d{2})$")


@dataclass(frozen=True)
class Window:
    """One weekly window: days (0 = Monday) and minutes from midnight [start, end)."""

    days: frozenset[int]
    start: int
    end: int


def parse_hours(text: str) -> tuple[Window, ...]:
    """Windows from the HANDOFF_HOURS syntax; () means always; ValueError says what is wrong."""
    text = text.strip().lower()
    if text in ("always", "24/7", ""):
        return ()
    windows = []
    for part in (p.strip() for p in text.split(",")):
        found = _PART.match(part)
        if found is None:
            raise ValueError(f"{part!r}: write it like 'mon-fri 09:00-18:00' or 'always'")
        start, end = _minutes(found["start"]), _minutes(found["end"])
        if not start < end:
            raise ValueError(f"{part!r}: the start must be before the end")
        windows.append(Window(_days(found["days"]), start, end))
    return tuple(windows)


def _minutes(hhmm: str) -> int:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise ValueError(f"{hhmm!r} is not a time of day")
    return hours * 60 + minutes


def _days(spec: str) -> frozenset[int]:
    found: set[int] = set()
    for item in spec.split("/"):
        first, _, last = item.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise ValueError(f"{item!r}: days are {', '.join(DAYS)}")
        a, b = DAYS.index(first), DAYS.index(last or first)
        found.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return frozenset(found)


@dataclass(frozen=True)
class HandoffPolicy:
    """Office hours, the expected wait, and when to nudge volunteers or close quiet tickets."""

    hours: tuple[Window, ...] = field(default_factory=lambda: parse_hours("mon-fri 09:00-18:00"))
    wait_minutes: int = 60
    nudge_unclaimed: timedelta = timedelta(minutes=30)
    nudge_unanswered: timedelta = timedelta(hours=2)
    quiet_close: timedelta = timedelta(hours=24)

    def is_open(self, now: datetime) -> bool:
        """Whether volunteers are on duty at now."""
        if not self.hours:
            return True
        local = _taipei(now)
        minute = local.hour * 60 + local.minute
        return any(local.weekday() in w.days and w.start <= minute < w.end for w in self.hours)

    def period_start(self, now: datetime) -> datetime | None:
        """When the duty period holding now began (None: always open, or off duty now)."""
        if not self.hours or not self.is_open(now):
            return None
        local = _taipei(now)
        minute = local.hour * 60 + local.minute
        start = max(w.start for w in self.hours
                    if local.weekday() in w.days and w.start <= minute < w.end)
        return local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(
            minutes=start)

    def next_open(self, now: datetime) -> datetime | None:
        """The next start of a window after now, in Taipei time (None: always open)."""
        if not self.hours:
            return None
        local = _taipei(now).replace(second=0, microsecond=0)
        for day in range(8):
            date = (local + timedelta(days=day)).replace(hour=0, minute=0)
            starts = sorted(w.start for w in self.hours if date.weekday() in w.days)
            for start in starts:
                when = date + timedelta(minutes=start)
                if when > local:
                    return when
        return None


def _taipei(now: datetime) -> datetime:
    aware = now if now.tzinfo else now.astimezone()  # a naive clock is local time
    return aware.astimezone(TAIPEI)


def utc(now: datetime) -> datetime:
    """now as an aware UTC datetime (a naive clock reads local time)."""
    return (now if now.tzinfo else now.astimezone()).astimezone(UTC)
