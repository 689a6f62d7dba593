"""`run.py proposals export` and `run.py staff ...`: CSV safety, BOM, JSON, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bot.common.content import Content
from bot.proposals.checks import check_spec
from bot.proposals.export import guard, to_csv
from bot.proposals.spec import ProposalSpec
from bot.proposals.view import ProposalView
from bot.storage.models import DistrictChat, Job, StaffRole
from tests.staff_harness import submit

ROOT = Path(__file__).resolve().parent.parent
CONTENT = Content.load(ROOT / "content")
SPEC = ProposalSpec.load(ROOT / "content")


def _run(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=120,
                          env={**os.environ, "DATABASE_URL": db_url})


def _view(**answers: object) -> ProposalView:
    base = {"title": "=HYPERLINK(\"http://evil\")", "district": "士林區", "place": "士林公園",
            "category": "parks", "problem": '有"引號"，也有逗號,\n和換行', "solution": "@SUM(A1)",
            "beneficiaries": "+長者", "cost": 500000, "contact": True}
    merged = {**base, **answers}
    return ProposalView(id=1, token="t", ref="261123-ABCD", platform="line", user_id="U1",
                        status="accepted", district="士林區", title=str(merged["title"]),
                        answers=merged, contact={"contact_name": "王小明",
                                                 "contact_phone": "0912345678"},
                        submitted_at=datetime(2026, 11, 22, 17, 30, tzinfo=UTC))


def test_csv_round_trips_with_labels_quoting_and_formula_guard() -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv([_view()], CONTENT, SPEC))))
    assert len(rows) == 1
    row = rows[0]
    assert row["編號"] == "261123-ABCD" and row["行政區"] == "士林區"
    assert row["狀態"] == "已受理" and row["狀態代碼"] == "accepted"
    assert row["送出日期"] == "2026-11-23"  # 17:30 UTC is the next day in Taipei
    assert row["現況問題"] == '有"引號"，也有逗號,\n和換行'
    assert row["類別"] == "公園與綠地" and row["概估經費"] == "500000"
    assert row["提案名稱"].startswith("'=") and row["建議做法"] == "'@SUM(A1)"
    assert row["受益對象"] == "'+長者"
    assert row["姓名"] == "王小明" and row["電話"] == "0912345678"


def test_contact_only_where_given_and_guard_leaves_numbers_alone() -> None:
    view = _view()
    anonymous = replace(view, contact=None)
    row = next(csv.DictReader(io.StringIO(to_csv([anonymous], CONTENT, SPEC))))
    assert row["姓名"] == "" and row["電話"] == ""
    assert guard(-5) == -5 and guard("-5") == "'-5" and guard("正常") == "正常"


async def test_cli_export_writes_excel_ready_csv_and_json(sqlite_db: str, tmp_path: Path
                                                          ) -> None:
    await submit("line", "U" + "3" * 32, "261123-EXP1", problem="路口,很危險\n請改善")
    await submit("local", "resident", "261123-EXP2", district="北投區", title="北投的提案")
    out = tmp_path / "士林.csv"
    proc = _run(sqlite_db, "proposals", "export", "--district", "士林區", "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["編號"] for r in rows] == ["261123-EXP1"]
    assert rows[0]["現況問題"] == "路口,很危險\n請改善"
    proc = _run(sqlite_db, "proposals", "export", "--format", "json", "--status", "submitted")
    items = json.loads(proc.stdout)
    assert {i["ref"] for i in items} == {"261123-EXP1", "261123-EXP2"}
    assert all("contact" not in i for i in items)


def test_cli_errors_are_one_clear_line_with_exit_2(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'x.sqlite3'}"
    for args, word in ((("proposals", "export", "--district", "台中區"), "district"),
                       (("proposals", "export", "--format", "pdf"), "format"),
                       (("proposals", "export", "--format", "xlsx"), "--output"),
                       (("proposals", "export", "--status", "maybe"), "status"),
                       (("staff", "add", "--platform", "telegram", "--user-id", "abc",
                         "--district", "士林區"), "Telegram id"),
                       (("staff", "chat", "--district", "all", "--platform", "telegram",
                         "--chat-id", "-100123"), "district")):
        proc = _run(url, *args)
        assert proc.returncode == 2, (args, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and word in lines[0], (args, lines)


async def test_cli_staff_add_list_chat_and_chats(sqlite_db: str) -> None:
    await submit("local", "resident", "261123-CLI1")
    assert _run(sqlite_db, "staff", "add", "--platform", "telegram", "--user-id", "123",
                "--district", "士林").returncode == 0
    assert _run(sqlite_db, "staff", "add", "--platform", "telegram", "--user-id", "9",
                "--district", "all").returncode == 0
    assert await StaffRole.filter(district="*", user_id="9").exists()
    listed = _run(sqlite_db, "staff", "list").stdout
    assert "123\t士林區" in listed and "9\tall" in listed
    proc = _run(sqlite_db, "staff", "chat", "--district", "士林區", "--platform", "telegram",
                "--chat-id", "-100123")
    assert proc.returncode == 0 and "1 waiting" in proc.stdout
    assert (await DistrictChat.get(district="士林區")).chat_id == "-100123"
    assert await Job.filter(kind="staff_notice", dedupe_key__contains=":chat:").count() == 1
    assert "士林區\ttelegram\t-100123" in _run(sqlite_db, "staff", "chats").stdout
    assert _run(sqlite_db, "staff", "remove", "--platform", "telegram",
                "--user-id", "123").returncode == 0
    assert not await StaffRole.filter(user_id="123").exists()


def test_check_content_wants_staff_strings_for_every_status_staff_can_set() -> None:
    assert check_spec(SPEC, CONTENT) == []
    trimmed = Content({k: v for k, v in CONTENT.strings.items()
                       if k != "status.ivoting.resident"}, CONTENT.commands, CONTENT.topics)
    missing = "ui-staff.yaml: key status.ivoting.resident missing"
    assert check_spec(SPEC, trimmed) == [missing]
