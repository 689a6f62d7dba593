"""Real processes: `run.py serve` killed with SIGKILL in the middle of a broadcast and started
again (nothing lost, nothing doubled on LINE; on Telegram at most the sends in flight), and two
processes on PostgreSQL sharing the Redis limiter (each batch sent once, the limit held)."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.storage.models import Broadcast
from tests.bot_harness import LINE_SECRET, TG_SECRET, TG_TOKEN
from tests.delivery_harness import line_user, news_subscribers, send
from tests.fakes.line_api import FakeLineApi
from tests.fakes.telegram_api import FakeTelegramApi

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/0"
TELEGRAM_IN_FLIGHT = 8  # the engine's Telegram concurrency: the most a crash can resend


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(db_url: str, line: FakeLineApi, telegram: FakeTelegramApi,
         **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINE_", "TELEGRAM_"))}
    env.update({
        "DATABASE_URL": db_url, "HOST": "127.0.0.1", "PORT": str(_free_port()),
        "LINE_CHANNEL_SECRET": LINE_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": "line-token",
        "LINE_API_BASE_URL": line.base_url, "TELEGRAM_BOT_TOKEN": TG_TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": TG_SECRET, "TELEGRAM_API_BASE_URL": telegram.base_url,
        "LOCAL_CHAT": "false", "QUIET_HOURS": "off", "DELIVERY_LEASE_SECONDS": "2",
        "REDIS_URL": "", "NO_PROXY": "127.0.0.1,localhost", "LOG_LEVEL": "WARNING", **extra})
    return env


async def _serve(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "run.py", "serve", cwd=ROOT, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=out)


async def _until(check: Callable[[], Any], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def _stop(*procs: asyncio.subprocess.Process) -> None:
    for proc in procs:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_killed_mid_broadcast_then_restarted_loses_and_doubles_nothing(
        sqlite_db: str, tmp_path: Path) -> None:
    line_ids = [line_user(i) for i in range(1, 5001)]  # ten multicasts
    chats = [str(6000 + i) for i in range(40)]
    await news_subscribers("line", line_ids)
    await news_subscribers("telegram", chats)
    async with FakeLineApi(delay=0.3) as line, FakeTelegramApi(delay=0.05) as telegram:
        env = _env(sqlite_db, line, telegram)
        cast = await send("士林區活動通知", "district:士林區", sender=("", "", ""))
        first = await _serve(env, tmp_path / "bot.log")
        try:
            async def half() -> bool:
                return len(line.received) >= 1500 and sum(telegram.received.values()) >= 10
            await _until(half, 60, "half the broadcast")
            first.kill()  # SIGKILL: no clean-up, leases left behind, requests in flight
            await first.wait()
            second = await _serve(env, tmp_path / "bot.log")

            async def done() -> bool:
                return (await Broadcast.get(id=cast.id)).status == "done"
            await _until(done, 90, "the broadcast to finish after the restart")
        finally:
            await _stop(first)
            await _stop(second)
        assert set(line.received) == set(line_ids) and max(line.received.values()) == 1
        assert set(telegram.received) == set(chats)
        assert sum(telegram.received.values()) - len(chats) <= TELEGRAM_IN_FLIGHT
        assert (await Broadcast.get(id=cast.id)).sent == len(line_ids) + len(chats)


async def _reachable_redis() -> None:
    from redis.asyncio import Redis
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as exc:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {type(exc).__name__}")
    finally:
        await client.aclose()


async def test_two_processes_on_postgres_share_the_redis_limiter(db: str,
                                                                 tmp_path: Path) -> None:
    if db.startswith("sqlite"):
        pytest.skip("several processes need PostgreSQL (SQLite runs one process)")
    await _reachable_redis()
    line_ids = [line_user(i) for i in range(1, 10_001)]  # twenty multicasts
    chats = [str(6100 + i) for i in range(30)]
    await news_subscribers("line", line_ids)
    await news_subscribers("telegram", chats)
    async with FakeLineApi() as line, FakeTelegramApi() as telegram:
        line.limits = {"/v2/bot/message/multicast": (10, 1.0)}
        telegram.limits = {"all": (10, 1.0)}
        env = _env(db, line, telegram, REDIS_URL=REDIS_URL,
                   REDIS_KEY_PREFIX=f"test:{uuid.uuid4().hex}:",
                   LINE_MULTICAST_PER_SECOND="10", TELEGRAM_PER_SECOND="10")
        procs = [await _serve(env | {"PORT": str(_free_port())}, tmp_path / f"bot{i}.log")
                 for i in range(2)]
        try:
            cast = await send("士林區活動通知", "district:士林區", sender=("", "", ""))

            async def done() -> bool:
                return (await Broadcast.get(id=cast.id)).status == "done"
            await _until(done, 120, "the broadcast to finish")
        finally:
            await _stop(*procs)
        assert set(line.received) == set(line_ids) and max(line.received.values()) == 1
        assert dict(telegram.received) == {c: 1 for c in chats}
        # Shared limits keep both processes under the platform's limit together; two separate
        # in-process limiters send at twice the rate and are refused (4 times in a trial run).
        assert line.windows.refused + telegram.windows.refused <= 2
