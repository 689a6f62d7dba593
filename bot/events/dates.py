"""Event dates as residents read them: 12/6（六）, 14:00–16:00, in Asia/Taipei."""

from __future__ import annotations

from datetime import datetime

from bot.common.content import Content
from bot.events.policy import local


def day(content: Content, when: datetime, lang: str = "zh-TW") -> str:
    """The Taipei date with its weekday, e.g. 12/6（六） (weekday names from content)."""
    at = local(when)
    weekdays = content.t("events.weekdays", lang).split(",")
    return content.t("events.date", lang, month=at.month, day=at.day,
                     weekday=weekdays[at.weekday()].strip())


def clock(when: datetime) -> str:
    """The Taipei time of day, e.g. 14:00."""
    return local(when).strftime("%H:%M")


def hours(content: Content, starts: datetime, ends: datetime, lang: str = "zh-TW") -> str:
    """From-to times, e.g. 14:00–16:00 (with the end's date when it ends another day)."""
    end = clock(ends)
    if local(ends).date() != local(starts).date():
        end = f"{day(content, ends, lang)} {end}"
    return f"{clock(starts)}–{end}"


def moment(content: Content, when: datetime, lang: str = "zh-TW") -> str:
    """A date and time, e.g. 12/6（六） 14:00."""
    return f"{day(content, when, lang)} {clock(when)}"


def iso_day(when: datetime) -> str:
    """The Taipei calendar date (YYYY-MM-DD), for records."""
    return local(when).strftime("%Y-%m-%d")
