"""Broadcast benchmark: LINE and Telegram recipients against fake servers that enforce the
platforms' limits, with `run.py serve` as the delivery process (killed half way in a 2nd run).

Usage: .venv/bin/python bench/broadcast.py [--line 200000] [--telegram 10000]
           [--database-url postgres://...] [--workers 1] [--redis-url redis://...] [--no-kill]

The fakes (tests/fakes) validate every request against the official specs and answer 429
over LINE's multicast limit (200 requests/s) and Telegram's (30 messages/s overall, 1/s per
chat). The audience is a district's news subscribers. Printed per run: wall time, achieved
rate as a fraction of each platform's limit (target >= 0.95), duplicates (0), lost (0), 429s
answered, peak RSS of the bot process(es). The second run kills the bot with SIGKILL once
half the messages are out, starts it again and waits for the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.broadcasts.compose import schedule  # noqa: E402
from bot.core.types import Text  # noqa: E402
from bot.storage.db import close_db, open_db  # noqa: E402
from bot.storage.models import Broadcast, Subscription  # noqa: E402
from tests.fakes.line_api import FakeLineApi  # noqa: E402
from tests.fakes.telegram_api import FakeTelegramApi  # noqa: E402

LINE_LIMIT, TELEGRAM_LIMIT = 200, 30  # multicast requests/s; messages/s
MULTICAST = "/v2/bot/message/multicast"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def line_id(n: int) -> str:
    return "U" + f"{n:032x}"


async def prepare(db_url: str, line_n: int, telegram_n: int) -> tuple[int, list[str], list[str]]:
    """Subscribers in a fresh database and one broadcast to them; (id, LINE ids, chats)."""
    await open_db(db_url, migrate_first=True)
    line_ids = [line_id(i) for i in range(1, line_n + 1)]
    chats = [str(10_000_000 + i) for i in range(telegram_n)]
    rows = [Subscription(platform="line", user_id=u, topic="news", scope="士林區")
            for u in line_ids]
    rows += [Subscription(platform="telegram", user_id=c, topic="news", scope="士林區")
             for c in chats]
    await Subscription.bulk_create(rows, batch_size=2000)
    cast_id = await schedule(audience="district:士林區", replies=[Text("士林區活動通知（測試）")],
                             run_at=datetime.now(UTC), district="士林區", sender=("", "", ""),
                             urgent=True)
    return cast_id, line_ids, chats


def bot_env(db_url: str, line: FakeLineApi, telegram: FakeTelegramApi,
            redis_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": db_url, "HOST": "127.0.0.1", "PORT": str(free_port()),
        "LINE_CHANNEL_SECRET": "bench-secret", "LINE_CHANNEL_ACCESS_TOKEN": "bench-token",
        "LINE_API_BASE_URL": line.base_url, "TELEGRAM_BOT_TOKEN": "123:bench",
        "TELEGRAM_WEBHOOK_SECRET": "bench", "TELEGRAM_API_BASE_URL": telegram.base_url,
        "LOCAL_CHAT": "false", "QUIET_HOURS": "off", "DELIVERY_LEASE_SECONDS": "5",
        "REDIS_URL": redis_url, "REDIS_KEY_PREFIX": f"bench:{uuid.uuid4().hex}:",
        "NO_PROXY": "127.0.0.1,localhost", "LOG_LEVEL": "WARNING"})
    return env


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (Linux VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Sampler:
    """Counts over time, for the achieved rate while a platform is busy."""

    def __init__(self, line: FakeLineApi, telegram: FakeTelegramApi) -> None:
        self.line, self.telegram = line, telegram
        self.samples: list[tuple[float, int, int]] = []

    def sample(self) -> None:
        multicasts = sum(1 for r in self.line.requests if r.path == MULTICAST)
        self.samples.append((time.monotonic(), multicasts, sum(self.telegram.received.values())))

    def rate(self, index: int) -> float:
        """Requests per second while the counter moved: from its first non-zero sample to the
        first sample at its final value."""
        series = [(x[0], x[index]) for x in self.samples]
        if not series or series[-1][1] == 0:
            return 0.0
        final = series[-1][1]
        t0, n0 = next((t, n) for t, n in series if n > 0)
        t1 = next(t for t, n in series if n == final)
        return (final - n0) / (t1 - t0) if t1 > t0 else 0.0


async def run_once(args: argparse.Namespace, kill: bool) -> dict[str, Any]:
    """One broadcast from a fresh database to the end; kill -9 half way when asked."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-broadcast-"))
    db_url = args.database_url or f"sqlite://{tmp / 'bot.sqlite3'}"
    cast_id, line_ids, chats = await prepare(db_url, args.line, args.telegram)
    async with FakeLineApi() as line, FakeTelegramApi() as telegram:
        line.limits = {MULTICAST: (LINE_LIMIT, 1.0)}
        telegram.limits = {"all": (TELEGRAM_LIMIT, 1.0), "chat": (1, 1.0)}
        env = bot_env(db_url, line, telegram, args.redis_url)
        sampler, started = Sampler(line, telegram), time.monotonic()
        procs = [await spawn(env, tmp, i) for i in range(args.workers)]
        total, rss, killed = len(line_ids) + len(chats), 0.0, False
        while (await Broadcast.get(id=cast_id)).status not in ("done", "stopped", "refused"):
            await asyncio.sleep(0.1)
            sampler.sample()
            rss = max([rss, *(peak_rss_mb(p.pid) for p in procs)])
            if kill and not killed and len(line.received) + len(telegram.received) >= total / 2:
                for p in procs:
                    p.kill()
                    await p.wait()
                procs, killed = [await spawn(env, tmp, i) for i in range(args.workers)], True
        wall = time.monotonic() - started
        for p in procs:
            rss = max(rss, peak_rss_mb(p.pid))
            p.kill()
            await p.wait()
    await close_db()
    got = {**line.received, **telegram.received}
    return {"wall_s": round(wall, 1), "line_rate": round(sampler.rate(1) / LINE_LIMIT, 3),
            "telegram_rate": round(sampler.rate(2) / TELEGRAM_LIMIT, 3),
            "duplicates": sum(n - 1 for n in got.values() if n > 1),
            "lost": sum(1 for r in [*line_ids, *chats] if r not in got),
            "429s": line.windows.refused + telegram.windows.refused,
            "line_409s": line.conflicts, "peak_rss_mb": round(rss, 1), "killed": kill}


async def spawn(env: dict[str, str], tmp: Path, i: int) -> asyncio.subprocess.Process:
    env = {**env, "PORT": str(free_port())}
    with (tmp / f"bot{i}.log").open("ab") as log:
        return await asyncio.create_subprocess_exec(
            sys.executable, "run.py", "serve", cwd=ROOT, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=log)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--line", type=int, default=200_000, help="LINE recipients")
    parser.add_argument("--telegram", type=int, default=10_000, help="Telegram chats")
    parser.add_argument("--database-url", help="default: a fresh SQLite file per run")
    parser.add_argument("--workers", type=int, default=1, help="bot processes (PostgreSQL)")
    parser.add_argument("--redis-url", default="", help="shared limits for --workers > 1")
    parser.add_argument("--no-kill", action="store_true", help="skip the kill -9 run")
    args = parser.parse_args()
    if args.database_url and not args.no_kill:
        print("note: both runs use the same --database-url; give a fresh one per run")
    print(f"{args.line:,} LINE recipients, {args.telegram:,} Telegram chats, "
          f"{args.workers} process(es)")
    for kill in (False,) if args.no_kill else (False, True):
        result = await run_once(args, kill)
        print(("kill -9 half way: " if kill else "clean run:        ")
              + "  ".join(f"{k}={v}" for k, v in result.items() if k != "killed"))


if __name__ == "__main__":
    asyncio.run(main())
