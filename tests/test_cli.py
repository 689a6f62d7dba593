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
