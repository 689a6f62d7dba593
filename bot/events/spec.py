"""Event files (`content/events/*.yaml`, `run.py events import FILE`): parsing and validation.

An event file is a YAML list of mappings with the fields below; times are ISO 8601 with
+08:00 (Taipei). Pure functions: nothing here touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

KINDS = ("walk", "course-basic", "course-advanced", "course-deliberator")
STATUSES = ("scheduled", "cancelled")
CITYWIDE = "全市"
REQUIRED = ("id", "kind", "title", "district", "starts", "ends", "place", "capacity", "host",
            "summary", "for_whom", "status")
OPTIONAL = ("bring", "signup_closes", "url", "needs_phone")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID_MAX = 40  # keeps a button payload (nonce|action|id) within Telegram's 64 bytes
TAIPEI_OFFSET = timedelta(hours=8)
MAX_CAPACITY = 10_000
LIMITS = {"title": 80, "place": 120, "host": 80, "summary": 500, "for_whom": 200,
          "bring": 200, "url": 300}


@dataclass(frozen=True)
class EventSpec:
    """One event as written in an event file (checked)."""

    id: str
    kind: str
    title: str
    district: str
    starts: datetime
    ends: datetime
    place: str
    capacity: int
    host: str
    summary: str
    for_whom: str
    status: str = "scheduled"
    bring: str = ""
    signup_closes: datetime | None = None
    url: str = ""
    needs_phone: bool = False


def parse_events(data: Any, districts: Iterable[str], where: str
                 ) -> tuple[list[EventSpec], list[str]]:
    """The events of one file's YAML data, and every problem found (one line each)."""
    if not isinstance(data, list):
        return [], [f"{where}: expected a list of events"]
    allowed = {*districts, CITYWIDE}
    specs: list[EventSpec] = []
    errors: list[str] = []
    seen: set[str] = set()
    for n, item in enumerate(data, 1):
        spec, problems = parse_event(item, allowed)
        name = spec.id if spec else (item.get("id") if isinstance(item, dict) else None)
        errors += [f"{where} event {name or n}: {p}" for p in problems]
        if spec is not None:
            if spec.id in seen:
                errors.append(f"{where} event {spec.id}: id used twice")
            seen.add(spec.id)
            specs.append(spec)
    return specs, errors


def parse_event(item: Any, districts: set[str]) -> tuple[EventSpec | None, list[str]]:
    """One event mapping: the spec (None when unusable) and its problems."""
    if not isinstance(item, dict):
        return None, ["expected a mapping"]
    errors = [f"unknown field {k!r}" for k in item if k not in (*REQUIRED, *OPTIONAL)]
    errors += [f"{k} is missing" for k in REQUIRED if item.get(k) in (None, "")]
    if errors:
        return None, errors
    values: dict[str, Any] = {k: _text(item[k]) for k in
                              ("id", "kind", "title", "district", "place", "host", "summary",
                               "for_whom", "status")}
    values |= {"bring": _text(item.get("bring") or ""), "url": _text(item.get("url") or "")}
    times = {k: _when(item.get(k), k, errors) for k in ("starts", "ends", "signup_closes")}
    values["capacity"] = _capacity(item["capacity"], errors)
    values["needs_phone"] = _flag(item.get("needs_phone", False), errors)
    errors += _field_problems(values, districts) + _time_problems(times)
    if errors:
        return None, errors
    return EventSpec(**values, starts=times["starts"], ends=times["ends"],  # type: ignore[arg-type]
                     signup_closes=times["signup_closes"]), []


def _text(value: Any) -> str:
    # One-line fields are collapsed; a multi-line summary keeps its line breaks.
    text = str(value).strip()
    return text if "\n" in text else " ".join(text.split())


def _when(value: Any, name: str, errors: list[str]) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        errors.append(f"{name}: not an ISO 8601 time (e.g. 2027-03-06T14:00:00+08:00)")
        return None
    if when.utcoffset() != TAIPEI_OFFSET:
        errors.append(f"{name}: write the Taipei time with +08:00 "
                      "(e.g. 2027-03-06T14:00:00+08:00)")
        return None
    return when


def _capacity(value: Any, errors: list[str]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_CAPACITY:
        errors.append(f"capacity: a whole number from 1 to {MAX_CAPACITY}")
        return 0
    return value


def _flag(value: Any, errors: list[str]) -> bool:
    if not isinstance(value, bool):
        errors.append("needs_phone: true or false")
        return False
    return value


def _field_problems(v: dict[str, Any], districts: set[str]) -> list[str]:
    errors = []
    if not ID_RE.match(v["id"]) or not 3 <= len(v["id"]) <= ID_MAX:
        errors.append(f"id: 3-{ID_MAX} characters of a-z, 0-9 and single hyphens")
    if v["kind"] not in KINDS:
        errors.append(f"kind: one of {', '.join(KINDS)}")
    if v["status"] not in STATUSES:
        errors.append(f"status: one of {', '.join(STATUSES)}")
    if v["district"] not in districts:
        errors.append(f"district: one of the 12 districts (e.g. 士林區) or {CITYWIDE}")
    errors += [f"{k}: at most {n} characters" for k, n in LIMITS.items() if len(v[k]) > n]
    if v["url"] and not v["url"].startswith(("https://", "http://")):
        errors.append("url: an http(s) address")
    return errors


def _time_problems(t: dict[str, datetime | None]) -> list[str]:
    starts, ends, closes = t["starts"], t["ends"], t["signup_closes"]
    errors = []
    if starts and ends and ends <= starts:
        errors.append("ends: must be after starts")
    if starts and closes and closes > starts:
        errors.append("signup_closes: must not be after starts")
    return errors


def load_file(path: Path, districts: Iterable[str]) -> tuple[list[EventSpec], list[str]]:
    """The events of one file, and its problems (a file that cannot be read is one problem)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return [], [f"{path.name}: cannot read: {exc}"]
    return parse_events(data, districts, path.name)
