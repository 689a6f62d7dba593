"""Webhook benchmark: the bot against line-bot-sdk's own echo bot, in the same run.

Usage: .venv/bin/python bench/webhook.py [--events 4000] [--concurrency 32] [--rounds 1]
           [--setups sqlite,pg1,pg2] [--postgres postgres://postgres@127.0.0.1:5432]
           [--questions six|labelled] [--cpu-cap CORES]

Posts signed single-event LINE text bodies (timestamped when sent, so reply tokens are fresh)
at, in turn: the SDK's documented echo bot (bench/echo_bot.py: verify, parse, reply; no
storage), then `run.py serve` on a fresh SQLite file (sqlite), on a fresh PostgreSQL database
with one process (pg1) and with two processes sharing it (pg2; requests round-robined, as a
reverse proxy does). Every setup answers through one fake LINE API in this process, which
counts each event's replies and pushes (a push is matched to its event by the retry key).

Prints per setup: events/s answered end to end, p50/p99 webhook ack, lost, answered twice,
the reply/push split, CPU per event (utime+stime of the server processes, from /proc), SQL
round trips per event (bench/counted.py), this process's own CPU per event (load generator and
fake LINE API: the same two cores) and PostgreSQL's (all its server processes on this machine),
and each setup's ratio to the echo bot. The messages are six everyday questions in turn
(--questions six, the default), or every labelled question of tests/nlp (--questions labelled:
1,155 distinct texts in a fixed shuffle; in 4,000 events each comes 3-4 times, so the bot's
cache of recent understandings, bot/nlp/understander.py, answers about 70 % of them). On a
shared machine absolute figures move with the load; the in-run ratio is the figure to compare
(--rounds N repeats the echo bot and every setup N times and prints medians).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

from aiohttp import ClientSession, web
from procs import CpuCap, cpu_seconds, postgres_seconds  # bench/procs.py, beside this file

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret"
SIX = ["什麼是參與式預算", "住民大會", "i-Voting投票人數", "諮詢櫃檯在哪", "你好", "選單"]
QUESTIONS = list(SIX)  # what body_for sends, in turn (--questions)
RETRY_NAMESPACE = uuid.UUID("6f1c1a8e-5d0b-4a7e-9a43-2f6f0b9e1c11")  # bot/adapters/line.py


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def body_for(i: int, run: str) -> tuple[bytes, str, str, str]:
    token, key = f"{run}{i:08d}", f"01{run.upper()}{i:019d}"
    event = {
        "type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": "U" + f"{i % 500:032x}"},
        "webhookEventId": key, "deliveryContext": {"isRedelivery": False},
        "replyToken": token,
        "message": {"id": str(i), "type": "text", "text": QUESTIONS[i % len(QUESTIONS)],
                    "quoteToken": "q"},
    }
    body = json.dumps({"destination": "U" + "0" * 32, "events": [event]}).encode()
    sig = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
    return body, sig, token, key


class FakeLine:
    """Answers reply and push like LINE; counts them per event."""

    def __init__(self) -> None:
        self.replies: Counter[str] = Counter()  # reply token -> requests
        self.pushes: Counter[str] = Counter()  # retry key -> requests
        self.last = 0.0

    async def reply(self, request: web.Request) -> web.Response:
        data = await request.json()
        self.replies[data["replyToken"]] += 1
        self.last = time.perf_counter()
        return web.json_response({"sentMessages": [{"id": "1"} for _ in data["messages"]]})

    async def push(self, request: web.Request) -> web.Response:
        data = await request.json()
        self.pushes[request.headers.get("X-Line-Retry-Key", "")] += 1
        self.last = time.perf_counter()
        return web.json_response({"sentMessages": [{"id": "1"} for _ in data["messages"]]})

    async def loading(self, request: web.Request) -> web.Response:
        return web.json_response({})

    async def start(self, port: int) -> web.AppRunner:
        app = web.Application()
        app.router.add_post("/v2/bot/message/reply", self.reply)
        app.router.add_post("/v2/bot/message/push", self.push)
        app.router.add_post("/v2/bot/chat/loading/start", self.loading)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        return runner


async def wait_up(session: ClientSession, url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            async with session.get(url) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def sql_count(files: list[Path]) -> int:
    return sum(int(f.read_text() or 0) for f in files)


async def load(session: ClientSession, urls: list[str], n: int, conc: int, run: str
               ) -> tuple[list[float], list[tuple[str, str]], float]:
    latencies: list[float] = []
    keys: list[tuple[str, str]] = []
    queue = list(range(n - 1, -1, -1))
    start = time.perf_counter()

    async def worker() -> None:
        while queue:
            i = queue.pop()
            body, sig, token, key = body_for(i, run)
            keys.append((token, str(uuid.uuid5(RETRY_NAMESPACE, f"{key}:0"))))
            t0 = time.perf_counter()
            async with session.post(urls[i % len(urls)], data=body, headers={
                    "X-Line-Signature": sig, "Content-Type": "application/json"}) as resp:
                await resp.read()
                assert resp.status == 200, resp.status
            latencies.append(time.perf_counter() - t0)

    await asyncio.gather(*(worker() for _ in range(conc)))
    return latencies, keys, start


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


def commands(setup: str, ports: list[int], api: str, tmp: str, db: str | None
             ) -> tuple[list[list[str]], dict[str, str], list[Path]]:
    """The server commands of a setup, their environment and their SQL count files."""
    if setup == "echo":
        return [[sys.executable, "bench/echo_bot.py", str(ports[0]), api, SECRET]], {}, []
    env = {"LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": "bench",
           "LINE_API_BASE_URL": api, "DATABASE_URL": db or f"sqlite://{tmp}/bench.sqlite3",
           "LOG_LEVEL": "WARNING", "LOCAL_CHAT": "false"}
    files = [Path(tmp) / f"sql-{port}" for port in ports]
    cmds = [[sys.executable, "bench/counted.py", str(f), "run.py", "serve"] for f in files]
    return cmds, env, files


async def bench(setup: str, n: int, conc: int, db: str | None, cap: float | None
                ) -> dict[str, float]:
    fake, fake_port = FakeLine(), free_port()
    ports = [free_port() for _ in range(2 if setup == "pg2" else 1)]
    runner = await fake.start(fake_port)
    tmp = tempfile.mkdtemp()
    cmds, extra, files = commands(setup, ports, f"http://127.0.0.1:{fake_port}", tmp, db)
    env = {**os.environ, **extra}
    if extra:
        subprocess.run([sys.executable, "run.py", "migrate"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    procs = [subprocess.Popen(cmd, cwd=ROOT, env={**env, "PORT": str(port)})
             for cmd, port in zip(cmds, ports, strict=True)]
    pids = [p.pid for p in procs]
    capped = CpuCap(cap) if cap else None
    try:
        for pid in pids:
            if capped:
                capped.add(pid)
        async with ClientSession() as session:
            for port in ports:
                await wait_up(session, f"http://127.0.0.1:{port}/healthz")
            await asyncio.sleep(1.0)  # start-up work done; count files written
            cpu0, sql0, own0 = cpu_seconds(pids), sql_count(files), time.process_time()
            pg0 = postgres_seconds()
            urls = [f"http://127.0.0.1:{port}/webhook/line" for port in ports]
            lat, keys, start = await load(session, urls, n, conc, setup)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and sum(
                    1 for t, k in keys if fake.replies[t] or fake.pushes[k]) < n:
                await asyncio.sleep(0.02)
            end, cpu1, own1 = fake.last, cpu_seconds(pids), time.process_time()
            pg1 = postgres_seconds()
            await asyncio.sleep(1.0)  # late duplicates would show up now
            sql1 = sql_count(files)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait()
        if capped:
            capped.remove()
        await runner.cleanup()
    answers = [fake.replies[t] + fake.pushes[k] for t, k in keys]
    answered = sum(1 for a in answers if a)
    return {"events": n, "answered": answered, "lost": n - answered,
            "twice": sum(1 for a in answers if a > 1),
            "replies": sum(1 for t, _ in keys if fake.replies[t]),
            "pushes": sum(1 for _, k in keys if fake.pushes[k]),
            "events_per_s": answered / (end - start), "p50_ms": pct(lat, 0.5),
            "p99_ms": pct(lat, 0.99), "cpu_ms": (cpu1 - cpu0) * 1000 / n,
            "client_ms": (own1 - own0) * 1000 / n, "pg_ms": max(0.0, pg1 - pg0) * 1000 / n,
            "sql": (sql1 - sql0) / n if files else float("nan")}


async def admin(base: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(f"{base}/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def run_setup(setup: str, args: argparse.Namespace) -> dict[str, float]:
    name = f"bench_{uuid.uuid4().hex[:12]}"  # a fresh PostgreSQL database, dropped after
    if setup.startswith("pg"):
        asyncio.run(admin(args.postgres, f'CREATE DATABASE "{name}"'))
    try:
        db = f"{args.postgres}/{name}" if setup.startswith("pg") else None
        return asyncio.run(bench(setup, args.events, args.concurrency, db, args.cpu_cap))
    finally:
        if setup.startswith("pg"):
            asyncio.run(admin(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


LABELS = {"echo": "SDK echo bot (no storage)", "sqlite": "bot, SQLite, 1 process",
          "pg1": "bot, PostgreSQL, 1 process", "pg2": "bot, PostgreSQL, 2 processes"}


def report(rounds: list[dict[str, dict[str, float]]], cap: float | None) -> None:
    """Each setup's median round (by events/s); ratios are medians of in-round ratios."""
    print(f"{'setup':30} {'events/s':>8} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'lost':>5} {'twice':>5} {'reply/push':>11} {'CPU ms/ev':>9} {'SQL/ev':>6} "
          f"{'bench ms/ev':>11} {'PG ms/ev':>8} {'cores':>5}")
    for setup in rounds[0]:
        runs = sorted((r[setup] for r in rounds), key=lambda x: x["events_per_s"])
        r = runs[len(runs) // 2]
        ratio = statistics.median(x[setup]["events_per_s"] / x["echo"]["events_per_s"]
                                  for x in rounds)
        split = f"{r['replies']:.0f}/{r['pushes']:.0f}"
        print(f"{LABELS[setup]:30} {r['events_per_s']:8.0f} {ratio:6.2f} "
              f"{r['p50_ms']:7.1f} {r['p99_ms']:7.1f} {r['lost']:5.0f} {r['twice']:5.0f} "
              f"{split:>11} {r['cpu_ms']:9.2f} {r['sql']:6.2f} {r['client_ms']:11.2f} "
              f"{r['pg_ms']:8.2f} {busy(r):5.2f}")
    if "pg1" in rounds[0] and "pg2" in rounds[0]:
        ratio = statistics.median(x["pg2"]["events_per_s"] / x["pg1"]["events_per_s"]
                                  for x in rounds)
        print(f"PostgreSQL 2 processes / 1 process: {ratio:.2f}")
        ceiling = statistics.median(ceiling_ratio(x["pg1"], x["pg2"]) for x in rounds)
        if cap:
            print(f"  each server process capped at {cap} of a core (--cpu-cap)")
        print(f"  the most this machine allows ({os.cpu_count()} cores / CPU per event of bot, "
              f"bench and PostgreSQL with 2 processes): {ceiling:.2f}")
    lost = sum(x[s]["lost"] + x[s]["twice"] for x in rounds for s in x)
    print(f"rounds: {len(rounds)}; lost or answered twice in any run: {lost:.0f}")


def busy(r: dict[str, float]) -> float:
    """Cores busy during the run: servers, this process (load and fake API) and PostgreSQL."""
    return (r["cpu_ms"] + r["client_ms"] + r["pg_ms"]) * r["events_per_s"] / 1000


def ceiling_ratio(one: dict[str, float], two: dict[str, float]) -> float:
    """Two processes' best possible rate here, over one process's measured rate."""
    per_event = (two["cpu_ms"] + two["client_ms"] + two["pg_ms"]) / 1000
    return (os.cpu_count() or 1) / per_event / one["events_per_s"]


def labelled() -> list[str]:
    """Every distinct labelled question of tests/nlp, in a fixed shuffle."""
    import random

    import yaml

    texts = {str(item["q"]) for name in ("questions.yaml", "dev2.yaml")
             for item in yaml.safe_load((ROOT / "tests" / "nlp" / name).read_text("utf-8"))}
    ordered = sorted(texts)
    random.Random(14).shuffle(ordered)
    return ordered


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--setups", default="sqlite,pg1,pg2",
                        help="comma-separated: sqlite, pg1, pg2 (the echo bot always runs)")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432",
                        help="server for pg1/pg2 (a fresh database is created and dropped)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="repeat echo bot + setups; medians are printed (noisy machines)")
    parser.add_argument("--questions", choices=("six", "labelled"), default="six",
                        help="the messages sent: six everyday questions, or 1,155 distinct")
    parser.add_argument("--cpu-cap", type=float, default=None, metavar="CORES",
                        help="cap each server process (echo bot included) at this share of "
                             "one core (bench/procs.py), so the machine is not the limit")
    args = parser.parse_args()
    QUESTIONS[:] = SIX if args.questions == "six" else labelled()
    print(f"messages: {args.questions} ({len(QUESTIONS)} distinct texts)")
    setups = [s for s in args.setups.split(",") if s]
    if unknown := set(setups) - set(LABELS):
        parser.error(f"unknown setups: {', '.join(sorted(unknown))}")
    rounds = [{setup: run_setup(setup, args) for setup in ["echo", *setups]}
              for _ in range(args.rounds)]
    report(rounds, args.cpu_cap)


if __name__ == "__main__":
    main()
