"""Bad settings end in one line (exit 2, no traceback); a database that goes away while the
bot runs gives 503s with the reason and one log line per retry, never a flood."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from tortoise import connections

from bot.loop import forever
from bot.storage.availability import DATABASE
from bot.storage.db import apply_migrations
from tests.bot_harness import running_bot
from tests.chat import shared_deps
from tests.conftest import _drop_pg_database, _new_pg_database, _pg_reachable
from tests.fakes.webhooks import line_body, line_text_event

ROOT = Path(__file__).resolve().parent.parent


def _serve(**env: str) -> subprocess.CompletedProcess[str]:
    base = {**os.environ, "PORT": str(_free_port()), "DATABASE_WAIT": "1"}
    return subprocess.run([sys.executable, "run.py", "serve"], cwd=ROOT, text=True,
                          capture_output=True, timeout=120, env={**base, **env})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ends_in_one_line(proc: subprocess.CompletedProcess[str], setting: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith(f"Configuration error: {setting}:"), proc.stderr


def test_a_bad_log_level_is_one_line() -> None:
    proc = _serve(LOG_LEVEL="LOUD")
    _ends_in_one_line(proc, "LOG_LEVEL")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_a_busy_port_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _serve(PORT=str(port), DATABASE_URL=f"sqlite://{tmp_path / 'b.sqlite3'}")
    _ends_in_one_line(proc, "PORT")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_an_unreachable_database_is_one_line_after_a_few_tries(tmp_path: Path) -> None:
    proc = _serve(DATABASE_URL="postgres://civic:s3cret-pw@127.0.0.1:1/civic")
    _ends_in_one_line(proc, "DATABASE_URL")
    assert "s3cret-pw" not in proc.stderr  # the password stays out of the message
    assert "trying again" in proc.stderr  # it did retry before giving up
    blocked = tmp_path / "file"
    blocked.write_text("")
    proc = _serve(DATABASE_URL=f"sqlite://{blocked / 'sub' / 'bot.sqlite3'}")
    _ends_in_one_line(proc, "DATABASE_URL")


async def test_a_failing_loop_logs_one_line_per_retry_and_backs_off(
        caplog: pytest.LogCaptureFixture) -> None:
    waits: list[float] = []
    errors: list[Exception] = [ConnectionRefusedError(111, "Connect call failed")] * 7 \
        + [KeyError("x"), KeyError("y")]

    async def step() -> bool:
        if errors:
            raise errors.pop(0)
        raise asyncio.CancelledError  # stop the test loop

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    log = logging.getLogger("test.loop")
    DATABASE.down_since = None
    with caplog.at_level(logging.INFO), pytest.raises(asyncio.CancelledError):
        await forever(step, sleep, log, sleep=sleep)
    assert waits == [1, 2, 4, 8, 16, 30, 30, 30, 30]
    # The outage: one line for the process (bot.storage.availability), not one per retry.
    outage = [r for r in caplog.records if r.name == "bot.db"]
    assert len(outage) == 1 and "database unavailable" in outage[0].getMessage()
    assert "ConnectionRefusedError" in outage[0].getMessage() and not outage[0].exc_info
    lines = [r for r in caplog.records if r.name == "test.loop"]  # a bug: a line per retry
    assert len(lines) == 2 and all("retrying in" in r.getMessage() for r in lines)
    assert [r.exc_info is not None for r in lines] == [True, False]
    DATABASE.down_since = None


async def test_the_database_going_away_gives_503s_with_the_reason(tmp_path: Path) -> None:
    reason = await _pg_reachable()
    if reason:
        pytest.skip(reason)
    url = await _new_pg_database()
    await apply_migrations(url)
    try:
        async with running_bot(tmp_path, database_url=url) as bot:
            assert (await bot.client.get("/healthz")).status == 200
            await _drop_pg_database(url)  # the database goes away under the running bot
            health = await bot.client.get("/healthz")
            assert health.status == 503
            assert "database unavailable" in (await health.json())["reason"]
            await _chat_says_sorry(bot.client)
            event = line_text_event("U" + "8" * 32, "你好")
            assert (await bot.post_line(line_body([event]))).status == 503  # LINE retries
    finally:
        await _drop_pg_database(url)


async def test_a_bug_in_a_turn_gives_the_web_chat_a_503_with_words(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        conn = connections.get("default")
        await conn.execute_script("DROP TABLE conversation")  # every turn now fails
        await _chat_says_sorry(bot.client)


async def _chat_says_sorry(client: object) -> None:
    resp = await client.post("/api/chat",  # type: ignore[attr-defined]
                             json={"user": "webuser01", "text": "你好"})
    assert resp.status == 503
    data = await resp.json()
    assert data["error"] == "unavailable"
    sorry = shared_deps().content.t("error.generic")
    assert data["replies"] == [{"text": sorry, "choices": []}]
