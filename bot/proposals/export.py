"""Submitted proposals as CSV or JSON for the district office's records (pure functions)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from bot.common import sheets
from bot.common.content import Content
from bot.common.times import iso, shown
from bot.proposals.dates import local_date
from bot.proposals.spec import ProposalSpec
from bot.proposals.view import CONTACT_FIELDS, ProposalView

FORMATS = ("csv", "json", "xlsx")
FIXED = ("ref", "district", "status", "status_code", "submitted", "title")
SKIPPED = ("title", "district", "contact")  # fixed columns already, or only the consent flag
HISTORY = ("last_by", "last_at", "resubmitted")  # who acted last, when; resubmissions
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets may run as a formula


def columns(content: Content, spec: ProposalSpec) -> list[tuple[str, str]]:
    """(key, zh-TW header) for every column, in order: fixed ones, the fields, the note."""
    labels = {"ref": "export.col.ref", "district": "propose.field.district",
              "status": "export.col.status", "status_code": "export.col.status_code",
              "submitted": "export.col.submitted", "title": "propose.field.title"}
    cols = [(key, content.t(labels[key])) for key in FIXED]
    cols += [(s.field, content.t(f"propose.field.{s.field}"))
             for s in spec.steps if s.field not in SKIPPED]
    cols.append(("note", content.t("export.col.note")))
    cols += [(key, content.t(f"export.col.{key}")) for key in HISTORY]
    return cols


def row(p: ProposalView, content: Content, spec: ProposalSpec) -> dict[str, Any]:
    """One proposal's cells by column key (contact details only where the resident gave them)."""
    cells: dict[str, Any] = {
        "ref": p.ref or "", "district": p.district, "status": content.t(f"status.{p.status}"),
        "status_code": p.status, "title": p.title, "note": p.note,
        "submitted": local_date(p.submitted_at) if p.submitted_at else "",
        "last_by": p.last_actor, "last_at": shown(p.last_at), "resubmitted": p.resubmissions}
    for step in spec.steps:
        if step.field in SKIPPED:
            continue
        source = (p.contact or {}) if step.field in CONTACT_FIELDS else p.answers
        value = source.get(step.field)
        if step.field == "category" and value:
            value = spec.category_label(str(value)) or value
        cells[step.field] = "" if value is None else value
    return cells


def guard(value: Any) -> Any:
    """A text cell a spreadsheet would read as a formula, made inert with a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(views: list[ProposalView], content: Content, spec: ProposalSpec) -> str:
    """A header row and one row per proposal; the csv module quotes commas, quotes, newlines."""
    cols = columns(content, spec)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([label for _, label in cols])
    for p in views:
        cells = row(p, content, spec)
        writer.writerow([guard(cells[key]) for key, _ in cols])
    return out.getvalue()


def to_json(views: list[ProposalView], content: Content, spec: ProposalSpec) -> str:
    """A JSON list: the same facts with stable English keys, answers as stored."""
    items = []
    for p in views:
        item: dict[str, Any] = {
            "ref": p.ref, "district": p.district, "status": p.status,
            "status_name": content.t(f"status.{p.status}"), "title": p.title,
            "submitted_at": iso(p.submitted_at), "answers": p.answers, "note": p.note,
            "last_by": p.last_actor or None, "last_at": iso(p.last_at),
            "resubmitted": p.resubmissions}
        if p.contact:
            item["contact"] = p.contact
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def to_xlsx(views: list[ProposalView], content: Content, spec: ProposalSpec) -> bytes:
    """The CSV's columns as an Excel sheet: phones, references and times are text cells."""
    cols = columns(content, spec)
    rows = [[row(p, content, spec)[key] for key, _ in cols] for p in views]
    return sheets.to_xlsx("proposals", [label for _, label in cols], rows)


def render(fmt: str, views: list[ProposalView], content: Content,
           spec: ProposalSpec) -> str | bytes:
    """The export in fmt ('csv', 'json' or 'xlsx')."""
    if fmt == "xlsx":
        return to_xlsx(views, content, spec)
    return to_csv(views, content, spec) if fmt == "csv" else to_json(views, content, spec)
