"""50 residents press 報名 at once on 2 bot processes (`run.py serve`, real subprocesses) sharing
one fresh PostgreSQL database, for 10 seats: exactly 10 registered and 40 waiting, in order,
and each resident told what was stored. Skipped when PostgreSQL is not reachable."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession

from bot.storage import inbox
from bot.storage.db import apply_migrations, close_db, open_db
from bot.storage.models import EventRegistration
from tests.bot_harness import LINE_SECRET
from tests.conftest import _drop_pg_database, _new_pg_database, _pg_reachable
from tests.events_harness import far, load
from tests.fakes.line_api import FakeLineApi, message_text
from tests.fakes.webhooks import line_body, line_postback_event, line_signature, line_text_event

ROOT = Path(__file__).resolve().parent.parent
RESIDENTS, SEATS = 50, 10


def _free_port() -> int:
    """A free port in 18000-18999 (the range this project's developers use by hand)."""
    for port in random.sample(range(18000, 19000), 1000):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18000-18999")


def _start(db_url: str, line_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": db_url, "PORT": str(port), "HOST": "127.0.0.1",
           "LINE_CHANNEL_SECRET": LINE_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": "line-token",
           "LINE_API_BASE_URL": line_url, "LOCAL_CHAT": "false", "LOG_LEVEL": "WARNING"}
    with log.open("wb") as out:  # a file, not a pipe: a chatty process never blocks
        return subprocess.Popen([sys.executable, "run.py", "serve"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=out)


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-2000:]


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """End the processes this test started (and only those)."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.asynccontextmanager
async def _bots(db_url: str, line_url: str, count: int, logs: Path
                ) -> AsyncIterator[list[str]]:
    """count `run.py serve` processes on the database; their base URLs."""
    ports = [_free_port() for _ in range(count)]
    procs = [_start(db_url, line_url, port, logs / f"bot-{port}.log") for port in ports]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        async with ClientSession() as http:
            for url, proc, port in zip(urls, procs, ports, strict=True):
                await _wait_up(http, url, proc, logs / f"bot-{port}.log")
        yield urls
    finally:
        _stop(procs)


async def _wait_up(http: ClientSession, url: str, proc: subprocess.Popen[bytes],
                   log: Path) -> None:
    for _ in range(600):
        if proc.poll() is not None:
            raise AssertionError(f"bot exited: {_tail(log)}")
        with contextlib.suppress(OSError):
            async with http.get(f"{url}/healthz") as resp:
                if resp.status == 200:
                    return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{url} did not start")


async def _post(http: ClientSession, url: str, event: dict[str, Any]) -> None:
    raw = json.dumps(line_body([event])).encode()
    headers = {"Content-Type": "application/json",
               "X-Line-Signature": line_signature(raw, LINE_SECRET)}
    async with http.post(f"{url}/webhook/line", data=raw, headers=headers) as resp:
        assert resp.status == 200


async def _settle(line: FakeLineApi, replies: int, timeout: float = 180.0) -> None:
    """Wait until every recorded event is done and the fake LINE got `replies` requests."""
    async with asyncio.timeout(timeout):
        while True:
            counts = await inbox.counts()
            if counts["pending"] == counts["handled"] == 0 and len(line.requests) >= replies:
                assert counts["dead"] == 0, counts
                return
            await asyncio.sleep(0.1)


def _user(n: int) -> str:
    return "U" + f"{n:032x}"


def _event(user: str, token: str, *, press: str = "", text: str = "") -> dict[str, Any]:
    event = line_postback_event(user, press) if press else line_text_event(user, text)
    event["replyToken"] = token  # so each answer can be matched to its resident
    return event


async def _step(http: ClientSession, urls: list[str], line: FakeLineApi,
                events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Post every event at once (spread over the processes); reply token -> messages."""
    before = len(line.requests)
    await asyncio.gather(*(_post(http, urls[i % len(urls)], e) for i, e in enumerate(events)))
    await _settle(line, before + len(events))
    answered = {r.json["replyToken"]: r.json["messages"] for r in line.requests[before:]
                if r.path == "/v2/bot/message/reply"}
    assert len(answered) == len(events)  # every resident answered once, by reply
    return answered


def _button(messages: list[dict[str, Any]], label: str) -> str:
    return next(i["action"]["data"] for m in messages
                for i in (m.get("quickReply") or {}).get("items", [])
                if i["action"]["label"] == label)


async def test_fifty_sign_ups_from_two_processes_for_ten_seats(tmp_path: Path) -> None:
    reason = await _pg_reachable()
    if reason:
        pytest.skip(reason)
    db_url = await _new_pg_database()
    try:
        await apply_migrations(db_url)
        await open_db(db_url)
        await load(far(capacity=SEATS))
        users = [_user(n) for n in range(1, RESIDENTS + 1)]
        async with FakeLineApi() as line, _bots(db_url, line.base_url, 2, tmp_path) as urls, \
                ClientSession() as http:
            asked = await _step(http, urls, line, [
                _event(u, f"press-{u}", press="|evr|shilin-walk") for u in users])
            await _step(http, urls, line, [
                _event(u, f"agree-{u}", press=_button(asked[f"press-{u}"], "同意並報名"))
                for u in users])
            # Now all 50 give their name at the same moment: each takes a seat or a place.
            said = await _step(http, urls, line, [
                _event(u, f"name-{u}", text=f"住民{n}") for n, u in enumerate(users, 1)])
            assert line.errors == []
        rows = await EventRegistration.filter(event_id="shilin-walk").order_by("id")
        statuses = [r.status for r in rows]
        assert len(rows) == RESIDENTS
        assert statuses.count("registered") == SEATS
        assert statuses.count("waiting") == RESIDENTS - SEATS
        place = 0
        for row in rows:  # each resident was told exactly what was stored
            text = "\n".join(message_text(m) for m in said[f"name-{row.user_id}"])
            if row.status == "registered":
                assert "報名成功" in text and row.code in text
            else:
                place += 1
                assert f"目前第 {place} 位" in text, text
    finally:
        await close_db()
        await _drop_pg_database(db_url)
