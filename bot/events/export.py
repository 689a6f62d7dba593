"""An event's attendee list as CSV or JSON for office records (same care as the proposal
export: zh-TW headers, formula guard; the CLI adds a BOM when writing a CSV file)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from bot.common import sheets
from bot.common.content import Content
from bot.common.times import iso, shown
from bot.events.dates import iso_day
from bot.events.view import EventView, RegistrationView
from bot.proposals.export import guard

FORMATS = ("csv", "json", "xlsx")
COLUMNS = ("event", "title", "code", "name", "phone", "status", "place", "registered_at",
           "checked_in_at", "checked_in_by")


def _when(value: Any) -> str:
    return shown(value) if value else ""


def row(ev: EventView, r: RegistrationView, content: Content) -> dict[str, Any]:
    """One attendee's cells by column key (a phone only where it was collected)."""
    return {"event": ev.id, "title": ev.title, "code": r.code, "name": r.name,
            "phone": r.phone or "", "status": content.t(f"events.export.status.{r.status}"),
            "place": r.place or "", "registered_at": _when(r.created_at),
            "checked_in_at": _when(r.checked_in_at), "checked_in_by": r.checked_in_by or ""}


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
            "starts": iso(ev.starts), "capacity": ev.capacity, "status": ev.status,
            "attendees": [{"code": r.code, "name": r.name, "phone": r.phone, "status": r.status,
                           "place": r.place or None,
                           "registered_at": iso(r.created_at),
                           "checked_in_at": iso(r.checked_in_at),
                           "checked_in_by": r.checked_in_by} for r in people]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_xlsx(ev: EventView, people: list[RegistrationView], content: Content) -> bytes:
    """The CSV's columns as an Excel sheet: codes, phones and times are text cells."""
    headers = [content.t(f"events.export.col.{c}") for c in COLUMNS]
    rows = [[row(ev, r, content)[c] for c in COLUMNS] for r in people]
    return sheets.to_xlsx(ev.id, headers, rows)


def render(fmt: str, ev: EventView, people: list[RegistrationView],
           content: Content) -> str | bytes:
    """The export in fmt ('csv', 'json' or 'xlsx')."""
    if fmt == "xlsx":
        return to_xlsx(ev, people, content)
    return to_csv(ev, people, content) if fmt == "csv" else to_json(ev, people, content)
