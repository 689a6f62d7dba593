"""A busy or unreachable database: webhooks and /healthz answer 503 within 2 s and recover by
themselves, with one log line when the database goes away and one when it is back (with what
was refused meanwhile); a body refused as too large is one log line; a missing SQLite
directory stops start-up; a new database is announced once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path

import pytest
from aiohttp import ClientResponse

from bot.common.availability import DATABASE
from bot.storage.db import apply_migrations
from tests.bot_harness import Bot, running_bot
from tests.conftest import _drop_pg_database, _new_pg_database, _pg_reachable
from tests.fakes.webhooks import line_body, line_text_event
from tests.log_capture import captured_log

ROOT = Path(__file__).resolve().parent.parent
USER = "U" + "5" * 32


@pytest.fixture(autouse=True)
def fresh_availability() -> None:
    DATABASE.down_since = None
    DATABASE.refused.clear()


async def _timed(call: Awaitable[ClientResponse]) -> tuple[int, float]:
    start = time.monotonic()
    resp = await call
    return resp.status, time.monotonic() - start


async def _refused_quickly(bot: Bot) -> None:
    """Two webhooks and two health checks, each answered 503 within 2 s."""
    for _ in range(2):
        status, took = await _timed(bot.post_line(line_body([line_text_event(USER, "你好")])))
        assert (status, took < 2.0) == (503, True), (status, took)
        status, took = await _timed(bot.client.get("/healthz"))
        assert (status, took < 2.0) == (503, True), (status, took)


async def _recovers(bot: Bot, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while True:
        webhook = await bot.post_line(line_body([line_text_event(USER, "住民大會")]))
        health = await bot.client.get("/healthz")
        if webhook.status == health.status == 200:
            return
        assert time.monotonic() < deadline, (webhook.status, health.status)
        await asyncio.sleep(0.5)


def _one_line_each(log: str) -> None:
    lines = [m for m in log.strip().splitlines() if " WARNING " in m or " ERROR " in m]
    gone = [m for m in lines if "database unavailable" in m]
    back = [m for m in lines if "database back" in m]
    assert len(gone) == 1 and len(back) == 1, lines
    assert "2 line webhook(s)" in back[0] and "health check(s)" in back[0], back
    assert "Traceback" not in log, log
    assert len(lines) <= 3, "\n".join(lines)  # nothing else but the new database line


async def test_a_busy_sqlite_answers_503_fast_and_recovers(tmp_path: Path) -> None:
    with captured_log("INFO") as log:
        await _busy_sqlite(tmp_path)
    _one_line_each(log.getvalue())


async def _busy_sqlite(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        assert (await bot.client.get("/healthz")).status == 200
        holder = await asyncio.create_subprocess_exec(
            sys.executable, "-c", _HOLD_WRITE_LOCK, str(tmp_path / "bot.sqlite3"), "6",
            stdout=subprocess.PIPE)
        assert holder.stdout is not None
        assert await holder.stdout.readline() == b"locked\n"
        await _refused_quickly(bot)
        await holder.wait()
        await _recovers(bot)
        await bot.settle(30)


_HOLD_WRITE_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")  # another process holds SQLite's write lock
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("ROLLBACK")
"""


class _Proxy:
    """A TCP proxy to PostgreSQL that can be cut (connections dropped, new ones refused)."""

    def __init__(self) -> None:
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    async def up(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def down(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.transport.abort()
        self._writers.clear()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", 5432)
        self._writers += [writer, up_writer]
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError, OSError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.transport.abort()


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    reason = await _pg_reachable()
    if reason:
        pytest.skip(reason)
    url = await _new_pg_database()
    await apply_migrations(url)
    yield url
    await _drop_pg_database(url)


async def test_an_unreachable_postgresql_answers_503_fast_and_recovers(
        tmp_path: Path, pg_url: str) -> None:
    proxy = _Proxy()
    await proxy.up()
    url = pg_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    with captured_log("INFO") as log:
        await _unreachable_pg(tmp_path, url, proxy)
    _one_line_each(log.getvalue())


async def _unreachable_pg(tmp_path: Path, url: str, proxy: _Proxy) -> None:
    async with running_bot(tmp_path, database_url=url) as bot:
        assert (await bot.client.get("/healthz")).status == 200
        await proxy.down()  # PostgreSQL goes away under the running bot
        await _refused_quickly(bot)
        await asyncio.sleep(2)  # the worker's passes fail meanwhile, quietly
        await proxy.up()
        await _recovers(bot)
        await bot.settle(30)



async def test_a_too_large_body_is_one_log_line(tmp_path: Path,
                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    async with running_bot(tmp_path) as bot:
        resp = await bot.post_line(b'{"events": [' + b" " * (2 * 1024 * 1024) + b"]}")
        assert resp.status == 413
    lines = [r.getMessage() for r in caplog.records if "413" in r.getMessage()]
    assert len(lines) == 1 and "/webhook/line" in lines[0], lines


def _free_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return str(s.getsockname()[1])


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=120,
                          env={**os.environ, "DATABASE_WAIT": "1", **env})


def test_an_explicit_sqlite_url_in_a_missing_directory_stops_start_up(tmp_path: Path) -> None:
    missing = tmp_path / "moved-away"
    proc = _run("serve", DATABASE_URL=f"sqlite://{missing / 'bot.sqlite3'}", PORT=_free_port())
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "DATABASE_URL" in lines[0] and str(missing) in lines[0], lines
    assert not missing.exists()  # no stray fresh database


def test_a_new_database_is_announced_once(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'new.sqlite3'}"
    first = _run("inbox", "status", DATABASE_URL=url)
    assert first.returncode == 0, first.stderr
    assert first.stderr.count("creating a new, empty one") == 1, first.stderr
    again = _run("inbox", "status", DATABASE_URL=url)
    assert "new, empty" not in again.stderr, again.stderr


