"""The i-Voting calendar: periods from YAML (content/ivoting.yaml, or a file staff import),
checked field by field; and which period is open or next at a moment."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from bot.nlp.yamlfile import load_yaml

CITYWIDE = "全市"
FIELDS = ("id", "title", "scope", "opens", "closes", "how_to_vote", "eligibility", "url")
TAIPEI_OFFSET = timedelta(hours=8)
SAMPLE_WORD = "範例"


@dataclass(frozen=True)
class Period:
    """One voting period: who votes (全市 or a district), when, how, and where to read more."""

    id: str
    title: str
    scope: str
    opens: datetime
    closes: datetime
    how_to_vote: str
    eligibility: str
    url: str
    sample: bool = False


@dataclass(frozen=True)
class CalendarFile:
    """A calendar file: its periods, the FAQ entries it answers instead, and the problems."""

    periods: tuple[Period, ...]
    replaces_faq: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


def load_calendar(path: Path, districts: tuple[str, ...]) -> CalendarFile:
    """Read and check a calendar file; every problem is listed (a period with one is left out)."""
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        return CalendarFile((), (), (f"{path.name}: cannot read: {exc}",))
    if not isinstance(raw, dict) or not isinstance(raw.get("periods", []), list):
        return CalendarFile((), (), (f"{path.name}: expected a mapping with `periods:` list",))
    periods, problems = [], []
    for n, item in enumerate(raw.get("periods") or [], 1):
        found = check_period(item, districts)
        problems += [f"{path.name} period #{n}: {p}" for p in found]
        if not found:
            periods.append(_period(item))
    ids = [p.id for p in periods]
    problems += [f"{path.name}: period id {i!r} used twice" for i in set(ids) if ids.count(i) > 1]
    replaces = tuple(str(x) for x in raw.get("replaces_faq") or ())
    return CalendarFile(tuple(periods), replaces, tuple(problems))


def check_period(item: Any, districts: tuple[str, ...]) -> list[str]:
    """What is wrong with one period (empty when it is fine)."""
    if not isinstance(item, dict):
        return ["expected a mapping"]
    problems = [f"missing {f}" for f in FIELDS if item.get(f) in (None, "")]
    problems += [f"unknown field {k}" for k in item if k not in (*FIELDS, "sample")]
    if problems:
        return problems
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", str(item["id"])):
        problems.append("id: lower-case letters, digits and -, at most 64")
    if item["scope"] != CITYWIDE and item["scope"] not in districts:
        problems.append(f"scope: {CITYWIDE} or one of {'、'.join(districts)}")
    opens, closes = _when(item["opens"]), _when(item["closes"])
    if opens is None or closes is None:
        problems.append("opens/closes: a date and time with +08:00 (2030-05-01T09:00:00+08:00)")
    elif opens >= closes:
        problems.append("closes must come after opens")
    problems += _texts(item)
    return problems


def _texts(item: dict[str, Any]) -> list[str]:
    problems = []
    title, sample = str(item["title"]), bool(item.get("sample", False))
    if len(title) > 120:
        problems.append("title: at most 120 characters")
    if sample != (SAMPLE_WORD in title):
        problems.append(f"a sample period (sample: true) says {SAMPLE_WORD} in its title, "
                        "and only a sample does")
    for name in ("how_to_vote", "eligibility"):
        if len(str(item[name])) > 500:
            problems.append(f"{name}: at most 500 characters")
    if not re.fullmatch(r"https?://\S{3,290}", str(item["url"])):
        problems.append("url: an http(s) link")
    return problems


def _when(value: Any) -> datetime | None:
    """A datetime with the +08:00 offset, else None."""
    if not isinstance(value, datetime):
        try:
            value = datetime.fromisoformat(str(value))
        except ValueError:
            return None
    return value if value.utcoffset() == TAIPEI_OFFSET else None


def _period(item: dict[str, Any]) -> Period:
    opens, closes = _when(item["opens"]), _when(item["closes"])
    assert opens is not None and closes is not None
    return Period(str(item["id"]), str(item["title"]).strip(), str(item["scope"]), opens, closes,
                  str(item["how_to_vote"]).strip(), str(item["eligibility"]).strip(),
                  str(item["url"]).strip(), bool(item.get("sample", False)))


def open_now(periods: list[Period], now: datetime) -> list[Period]:
    """Periods open at `now`, closing soonest first."""
    return sorted((p for p in periods if p.opens <= now < p.closes), key=lambda p: p.closes)


def upcoming(periods: list[Period], now: datetime) -> list[Period]:
    """Periods not open yet, soonest first."""
    return sorted((p for p in periods if p.opens > now), key=lambda p: p.opens)
