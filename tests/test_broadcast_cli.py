"""`run.py broadcast ...` and `run.py ivoting ...` as an office runs them."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from bot.storage import subscriptions
from bot.storage.db import close_db, open_db
from bot.storage.models import Broadcast, IVotingPeriod, Job

ROOT = Path(__file__).resolve().parent.parent


def _run(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db, "QUIET_HOURS": "off"}
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=120, env=env, stdin=subprocess.DEVNULL)


def _in_db(db: str, work: object) -> object:
    async def go() -> object:
        await open_db(db, migrate_first=True)
        try:
            return await work()  # type: ignore[operator]
        finally:
            await close_db()
    return asyncio.run(go())


def test_send_previews_and_needs_yes_then_list_status_cancel(tmp_path: Path) -> None:
    db = f"sqlite://{tmp_path / 'bot.sqlite3'}"
    _in_db(db, lambda: subscriptions.add("telegram", "4242", "news", "士林區"))
    preview = _run(db, "broadcast", "send", "--audience", "district:士林", "--text", "淨山活動")
    assert preview.returncode == 1 and "Telegram 1" in preview.stdout and "--yes" in preview.stderr
    assert _in_db(db, lambda: Broadcast.all().count()) == 0
    bad = _run(db, "broadcast", "send", "--audience", "district:火星", "--text", "x")
    assert bad.returncode == 2 and "unknown district" in bad.stderr
    later = _run(db, "broadcast", "send", "--audience", "district:士林區", "--text", "淨山活動",
                 "--at", "2099-01-01 09:00")
    assert later.returncode == 2 and "--at" in later.stderr
    sent = _run(db, "broadcast", "send", "--audience", "district:士林區", "--text", "淨山活動",
                "--yes")
    assert sent.returncode == 0 and "scheduled broadcast #1" in sent.stdout
    assert _in_db(db, lambda: Job.filter(kind="broadcast_start").count()) == 1
    listed = _run(db, "broadcast", "list")
    assert "#1\tscheduled\tdistrict:士林區" in listed.stdout
    status = _run(db, "broadcast", "status", "1")
    assert "is scheduled" in status.stdout
    cancelled = _run(db, "broadcast", "cancel", "1")
    assert cancelled.returncode == 0 and "was cancelled" in cancelled.stdout
    assert _run(db, "broadcast", "cancel", "1").returncode == 1


def test_ivoting_import_checks_the_file_and_skips_samples(tmp_path: Path) -> None:
    db = f"sqlite://{tmp_path / 'bot.sqlite3'}"
    shipped = _run(db, "ivoting", "import", "content/ivoting.yaml")
    assert shipped.returncode == 0 and shipped.stdout.count("skipped sample") == 2
    assert _in_db(db, lambda: IVotingPeriod.all().count()) == 0
    samples = _run(db, "ivoting", "import", "content/ivoting.yaml", "--samples")
    assert samples.stdout.count("added:") == 2 and "(2 reminder(s))" in samples.stdout
    again = _run(db, "ivoting", "import", "content/ivoting.yaml", "--samples")
    assert again.stdout.count("same:") == 2
    assert _in_db(db, lambda: Job.filter(kind="ivoting_remind").count()) == 4
    bad = tmp_path / "bad.yaml"
    bad.write_text("periods:\n  - {id: x}\n", encoding="utf-8")
    refused = _run(db, "ivoting", "import", str(bad))
    assert refused.returncode == 2 and "missing title" in refused.stderr
    assert "sample-shilin" in _run(db, "ivoting", "list").stdout
