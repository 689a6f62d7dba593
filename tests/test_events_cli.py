"""`run.py events import | list | attendees` as an office runs them; the attendee export."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.common.content import Content
from bot.events.export import to_csv
from bot.events.view import RegistrationView
from bot.storage.models import Event, EventRegistration
from tests.events_harness import far, load

ROOT = Path(__file__).resolve().parent.parent
CONTENT = Content.load(ROOT / "content")
SEASON = """\
- id: shilin-walk
  kind: walk
  title: 士林走讀
  district: 士林區
  starts: 2099-03-14T09:30:00+08:00
  ends: 2099-03-14T11:30:00+08:00
  place: 士林區公所前
  capacity: 20
  host: 士林區公所
  summary: 走讀
  for_whom: 市民
  status: scheduled
"""


def _run(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=120,
                          env={**os.environ, "DATABASE_URL": db_url})


async def test_import_reports_added_changed_and_left_alone(sqlite_db: str,
                                                           tmp_path: Path) -> None:
    season = tmp_path / "season.yaml"
    season.write_text(SEASON, encoding="utf-8")
    proc = _run(sqlite_db, "events", "import", str(season))
    assert proc.returncode == 0, proc.stderr
    assert "added: shilin-walk" in proc.stdout and "1 added, 0 changed" in proc.stdout
    season.write_text(SEASON.replace("士林區公所前", "士林公園"), encoding="utf-8")
    proc = _run(sqlite_db, "events", "import", str(season))
    assert "changed: shilin-walk (place)" in proc.stdout
    proc = _run(sqlite_db, "events", "import", str(season))
    assert "0 changed, 1 left alone" in proc.stdout
    assert (await Event.get(id="shilin-walk")).place == "士林公園"
    assert "1 event(s)" in _run(sqlite_db, "events", "list").stdout
    samples = _run(sqlite_db, "events", "import", "content/events/samples.yaml")
    assert samples.returncode == 0 and "7 added" in samples.stdout


def test_a_bad_file_imports_nothing_and_says_why(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'x.sqlite3'}"
    season = tmp_path / "season.yaml"
    season.write_text(SEASON.replace("+08:00", ""), encoding="utf-8")
    proc = _run(url, "events", "import", str(season))
    assert proc.returncode == 2 and "+08:00" in proc.stderr
    assert "nothing was imported" in proc.stderr.strip().splitlines()[-1]
    for args, word in ((("events", "import", str(tmp_path / "missing.yaml")), "no such file"),
                       (("events", "attendees", "nope"), "no event"),
                       (("events", "attendees", "x", "--format", "pdf"), "format")):
        proc = _run(url, *args)
        assert proc.returncode == 2 and word in proc.stderr, (args, proc.stderr)


async def test_attendees_csv_for_excel_and_json(sqlite_db: str, tmp_path: Path) -> None:
    await load(far(needs_phone=True))
    await EventRegistration.create(event_id="shilin-walk", platform="line", user_id="U1",
                                   chat_id="U1", status="registered", code="ABCD2345",
                                   token="t" * 22, name="=HYPERLINK(\"x\")", phone="0912345678")
    out = tmp_path / "名單.csv"
    proc = _run(sqlite_db, "events", "attendees", "shilin-walk", "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    [row] = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert row["報到代碼"] == "ABCD2345" and row["電話"] == "0912345678"
    assert row["姓名"].startswith("'=") and row["狀態"] == "已報名"
    data = json.loads(_run(sqlite_db, "events", "attendees", "shilin-walk", "--format",
                           "json").stdout)
    assert data["attendees"][0]["code"] == "ABCD2345" and data["date"] == "2099-03-14"


def test_csv_guard_and_quoting_of_waiting_places() -> None:
    from tests.test_events_units import view
    people = [RegistrationView(id=1, event_id="e", platform="line", user_id="U", chat_id="U",
                               status="waiting", code="ABCD2345", token="t", name='王,"小明"',
                               place=2, created_at=datetime(2027, 3, 1, 2, 0, tzinfo=UTC))]
    [row] = list(csv.DictReader(io.StringIO(to_csv(view(), people, CONTENT))))
    assert row["姓名"] == '王,"小明"' and row["候補順位"] == "2" and row["狀態"] == "候補"
    assert row["報名時間"] == "2027-03-01（一）10:00" and row["電話"] == ""
