"""What a list shows, as a CSV (with a BOM, so Excel reads the Chinese) or an XLSX file."""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import quote

from aiohttp import web
from openpyxl import Workbook

from bot.proposals.export import guard

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table(headers: list[str], rows: list[list[Any]], fmt: str, name: str) -> web.Response:
    """A download of these rows; fmt is "xlsx" or anything else for CSV."""
    if fmt == "xlsx":
        body, kind, ext = _xlsx(headers, rows), XLSX, "xlsx"
    else:
        body, kind, ext = _csv(headers, rows), "text/csv; charset=utf-8", "csv"
    filename = quote(f"{name}.{ext}")
    return web.Response(body=body, headers={
        "Content-Type": kind, "Cache-Control": "no-store",
        "Content-Disposition": f"attachment; filename=\"export.{ext}\"; "
                               f"filename*=UTF-8''{filename}"})


def _csv(headers: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows([[guard(v) for v in r] for r in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx(headers: list[str], rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for r in rows:  # text that starts like a formula stays text
        sheet.append([guard(v) if isinstance(v, str) else v for v in r])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
