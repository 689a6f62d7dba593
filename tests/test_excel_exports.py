"""Issue 22, point 10: exports that open right in Excel (`--format xlsx`, openpyxl) beside the
CSV: phones, codes and Taipei times are text cells; the actor of the last change is exported.

The status change is made the way a clerk makes it: a button pressed in the staff group,
through the webhook and the fake Bot API (every call validated against the spec)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from bot.storage.models import EventRegistration
from tests.bot_harness import running_bot
from tests.events_harness import far, load
from tests.staff_harness import CLERK, buttons, last_card, press, run_jobs, set_up_office, submit

ROOT = Path(__file__).resolve().parent.parent


def _run(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=120,
                          env={**os.environ, "DATABASE_URL": db_url})


def _sheet(path: Path) -> list[dict[str, object]]:
    ws = load_workbook(path).active
    assert ws is not None
    rows = list(ws.iter_rows())
    header = [str(c.value) for c in rows[0]]
    for row in rows[1:]:
        for cell in row:
            if isinstance(cell.value, str):
                assert cell.data_type == "s" and cell.number_format == "@"
    return [{h: c.value for h, c in zip(header, row, strict=True)} for row in rows[1:]]


async def test_proposals_xlsx_keeps_phones_and_names_the_clerk(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_office()
        await submit("line", "U" + "4" * 32, "261208-XLS1", contact=True,
                     contact_name="王小明", contact_phone="0912345678",
                     title="=HYPERLINK(\"http://evil\")")
        await run_jobs(bot)
        accept = buttons(last_card(bot))["受理"]
        assert (await bot.post_telegram(press(CLERK, accept))).status == 200
        await bot.settle()
        assert not bot.telegram.errors
        out = tmp_path / "士林區.xlsx"
        proc = _run(bot.settings.database_url, "proposals", "export", "--district", "士林區",
                    "--format", "xlsx", "--output", str(out))
        assert proc.returncode == 0, proc.stderr
    [row] = _sheet(out)
    assert row["電話"] == "0912345678" and row["編號"] == "261208-XLS1"
    assert row["提案名稱"] == "=HYPERLINK(\"http://evil\")"  # text, never a formula
    assert row["狀態"] == "已受理" and row["最後處理者"] == f"staff:telegram:{CLERK}"
    assert "（" in str(row["最後處理時間"]) and row["概估經費"] == 500000


async def test_attendees_xlsx_beside_the_csv(sqlite_db: str, tmp_path: Path) -> None:
    await load(far(needs_phone=True))
    await EventRegistration.create(event_id="shilin-walk", platform="line", user_id="U1",
                                   chat_id="U1", status="registered", code="12345678",
                                   token="t" * 22, name="王小明", phone="0912345678")
    out = tmp_path / "名單.xlsx"
    proc = _run(sqlite_db, "events", "attendees", "shilin-walk", "--format", "xlsx",
                "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    [row] = _sheet(out)
    assert row["報到代碼"] == "12345678" and row["電話"] == "0912345678"
    assert str(row["報名時間"]).count(":") == 1 and "）" in str(row["報名時間"])
