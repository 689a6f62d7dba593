"""One way of showing times to people (issue 22): Asia/Taipei, the date with its weekday and a
24-hour time, e.g. 2026-12-06（六）23:30 — in chat messages, CLI tables, CSV and Excel cells;
JSON carries ISO 8601 with +08:00."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

TAIPEI = timezone(timedelta(hours=8))  # Taiwan keeps no daylight saving time
WEEKDAYS = {"zh-TW": "一二三四五六日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


def taipei(when: datetime) -> datetime:
    """The moment in Taipei time (a naive value is taken as UTC, as the database stores it)."""
    aware = when if when.tzinfo else when.replace(tzinfo=UTC)
    return aware.astimezone(TAIPEI)


def shown(when: datetime | None, lang: str = "zh-TW") -> str:
    """2026-12-06（六）23:30 (en: 2026-12-06 (Sat) 23:30); "" for None."""
    if when is None:
        return ""
    at = taipei(when)
    if lang == "en":
        return f"{at:%Y-%m-%d} ({WEEKDAYS['en'][at.weekday()]}) {at:%H:%M}"
    return f"{at:%Y-%m-%d}（{WEEKDAYS['zh-TW'][at.weekday()]}）{at:%H:%M}"


def iso(when: datetime | None) -> str | None:
    """ISO 8601 in Taipei time (+08:00), for JSON; None stays None."""
    return taipei(when).isoformat() if when is not None else None
