"""An event's attendee list as CSV or JSON for office records (same care as the proposal
export: zh-TW headers, formula guard; the CLI adds a BOM when writing a CSV file)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from bot.common.content import Content
from bot.events.dates import iso_day
from bot.events.policy import local
from bot.events.view import EventView, RegistrationView
from bot.proposals.export import guard

FORMATS = ("csv", "json")
COLUMNS = ("event", "title", "code", "name", "phone", "status", "place", "registered_at",
           "checked_in_at")


def _when(value: Any) -> str:
    return local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def row(ev: EventView, r: RegistrationView, content: Content) -> dict[str, Any]:
    """One attendee's cells by column key (a phone only where it was collected)."""
    return {"event": ev.id, "title": ev.title, "code": r.code, "name": r.name,
            "phone": r.phone or "", "status": content.t(f"events.export.status.{r.status}"),
            "place": r.place or "", "registered_at": _when(r.created_at),
            "checked_in_at": _when(r.checked_in_at)}


def to_csv(ev: EventView, people: list[RegistrationView], content: Content) -> str:
    """A header row and one row per attendee; cells a spreadsheet would run are made inert."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([content.t(f"events.export.col.{c}") for c in COLUMNS])
    for r in people:
        cells = row(ev, r, content)
        writer.writerow([guard(cells[c]) for c in COLUMNS])
    return out.getvalue()


def to_json(ev: EventView, people: list[RegistrationView], content: Content) -> str:
    """The event and its attendees with stable English keys."""
    data = {"id": ev.id, "title": ev.title, "district": ev.district, "date": iso_day(ev.starts),
            "starts": ev.starts.isoformat(), "capacity": ev.capacity, "status": ev.status,
            "attendees": [{"code": r.code, "name": r.name, "phone": r.phone, "status": r.status,
                           "place": r.place or None,
                           "registered_at": r.created_at.isoformat() if r.created_at else None,
                           "checked_in_at": r.checked_in_at.isoformat()
                           if r.checked_in_at else None} for r in people]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render(fmt: str, ev: EventView, people: list[RegistrationView], content: Content) -> str:
    """The export in fmt ('csv' or 'json')."""
    return to_csv(ev, people, content) if fmt == "csv" else to_json(ev, people, content)
