"""Exports that open right in Excel (`--format xlsx`, openpyxl): every text cell is stored as
text with the Text number format, so phones keep their leading 0, codes like 12E45678 stay
codes, Taipei times stay as written, and nothing starting with = runs as a formula."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

TEXT = "@"  # Excel's Text number format


def to_xlsx(sheet: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """One sheet: a bold header row, then the rows; strings are text cells, numbers numbers."""
    from openpyxl import Workbook  # loaded only for this export: the CLI starts fast
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet[:31]  # Excel's limit on sheet names
    for col, header in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=col, value=header)
        cell.font = Font(bold=True)
    for r, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                cell.value = value
                continue
            cell.value = "" if value is None else str(value)
            cell.data_type = "s"  # never a formula, never a number
            cell.number_format = TEXT
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
