"""run.py as a user runs it: the ask --json contract, a bad setting, check-content."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, input=stdin, text=True,
                          capture_output=True, timeout=60, env={**os.environ, **env})


def test_ask_json_contract_reads_stdin_lines() -> None:
    proc = _run("ask", "--json", stdin="什麼是i-Voting\n今天股市如何\n我要提案\n")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) == 3
    assert {"answer", "intent", "faq_id", "score"} <= set(rows[0])
    assert rows[0]["intent"] == "faq" and rows[0]["faq_id"]
    assert rows[1]["faq_id"] is None and rows[1]["intent"] == "unknown"
    assert rows[2]["intent"] == "propose"


def test_bad_setting_stops_with_one_clear_line() -> None:
    proc = _run("ask", "hi", PORT="eighty")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "PORT" in lines[0]


def test_check_content_passes_on_shipped_content() -> None:
    proc = _run("check-content")
    assert proc.returncode == 0 and "0 problem(s)" in proc.stdout


def _stored_period(tmp_path: Path) -> str:
    """A database with one (non-sample) i-Voting period stored, as `ivoting import` leaves it."""
    import asyncio
    from datetime import UTC, datetime

    from bot.ivoting.calendar import Period
    from bot.storage import ivoting
    from bot.storage.db import close_db, open_db

    url = f"sqlite://{tmp_path / 'bot.sqlite3'}"

    async def store() -> None:
        await open_db(url, migrate_first=True)
        try:
            await ivoting.upsert(Period(
                "vote-2031", "2031全市提案票選", "全市", datetime(2031, 5, 1, 1, tzinfo=UTC),
                datetime(2031, 5, 10, 9, tzinfo=UTC), "線上投票", "年滿16歲", "http://pb.taipei/"))
        finally:
            await close_db()

    asyncio.run(store())
    return url


def test_ask_answers_voting_dates_from_the_running_bots_calendar(tmp_path: Path) -> None:
    url = _stored_period(tmp_path)
    proc = _run("ask", "i-Voting什麼時候投票", DATABASE_URL=url)
    assert proc.returncode == 0, proc.stderr
    assert "2031全市提案票選" in proc.stdout and "2031/5/1（四）09:00" in proc.stdout  # +08:00


def test_ask_without_a_database_creates_none(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'none.sqlite3'}"
    proc = _run("ask", "i-Voting什麼時候投票", DATABASE_URL=url)
    assert proc.returncode == 0 and not (tmp_path / "none.sqlite3").exists()


def test_importing_the_cli_loads_neither_the_database_nor_broadcasts() -> None:
    code = ("import sys, bot.cli.main; "
            "print(sorted(m for m in sys.modules if m.startswith(('tortoise', 'bot.broadcasts', "
            "'bot.cli.broadcast', 'aiohttp'))))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.stdout.strip() == "[]", proc.stdout
