"""Dates as the district offices read them: Taipei calendar dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

TAIPEI = timezone(timedelta(hours=8))  # Taiwan keeps no daylight saving time


def local_date(when: datetime) -> str:
    """A timestamp as a Taipei calendar date (YYYY-MM-DD)."""
    aware = when if when.tzinfo else when.replace(tzinfo=UTC)
    return aware.astimezone(TAIPEI).strftime("%Y-%m-%d")
