"""Webhook benchmark: signed LINE text events posted at a running bot with a fake LINE API.

Usage: .venv/bin/python bench/webhook.py [--events 4000] [--concurrency 32] [--workers 1]
                                         [--database-url postgres://...]

Runs `run.py serve` (SQLite in a temp dir) as a subprocess with LINE_API_BASE_URL pointing at a
minimal fake LINE API inside this process, posts signed single-event bodies, and measures:
events/s answered end to end (reply request received by the fake), p50/p99 webhook ack latency,
events lost and events answered twice. Then the same load against a bare aiohttp endpoint that
only verifies the signature (also a subprocess), and the ratio. With --workers N (PostgreSQL),
N identical bot processes on N ports share the database; the client spreads requests over
them round-robin, as the reverse proxy does in production.
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
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

from aiohttp import ClientSession, web

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret"
QUESTIONS = ["什麼是參與式預算", "住民大會", "i-Voting投票人數", "諮詢櫃檯在哪", "你好", "選單"]

BARE = f"""
import base64, hashlib, hmac, sys
from aiohttp import web
async def hook(request):
    body = await request.read()
    sig = base64.b64encode(hmac.new({SECRET!r}.encode(), body, hashlib.sha256).digest()).decode()
    if not hmac.compare_digest(sig, request.headers.get("X-Line-Signature", "")):
        return web.Response(status=401)
    return web.json_response({{}})
app = web.Application()
app.router.add_post("/webhook/line", hook)
app.router.add_get("/healthz", lambda r: web.json_response({{}}))
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def body_for(i: int) -> tuple[bytes, str, str]:
    token = uuid.uuid4().hex
    event = {
        "type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": "U" + f"{i % 500:032x}"},
        "webhookEventId": f"01BENCH{i:019d}", "deliveryContext": {"isRedelivery": False},
        "replyToken": token,
        "message": {"id": str(i), "type": "text", "text": QUESTIONS[i % len(QUESTIONS)],
                    "quoteToken": "q"},
    }
    body = json.dumps({"destination": "U" + "0" * 32, "events": [event]}).encode()
    sig = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
    return body, sig, token


class FakeLine:
    """Counts reply requests per reply token; answers like LINE."""

    def __init__(self) -> None:
        self.replies: Counter[str] = Counter()
        self.first_seen: dict[str, float] = {}

    async def reply(self, request: web.Request) -> web.Response:
        data = await request.json()
        token = data["replyToken"]
        self.replies[token] += 1
        self.first_seen.setdefault(token, time.perf_counter())
        return web.json_response({"sentMessages": [{"id": "1"} for _ in data["messages"]]})

    async def start(self, port: int) -> web.AppRunner:
        app = web.Application()
        app.router.add_post("/v2/bot/message/reply", self.reply)
        app.router.add_post("/v2/bot/message/push", lambda r: web.json_response({}))
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        return runner


async def wait_up(session: ClientSession, url: str, timeout: float = 30) -> None:
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


async def load(session: ClientSession, urls: list[str], n: int, conc: int
               ) -> tuple[list[float], list[str], float]:
    bodies = [body_for(i) for i in range(n)]
    latencies: list[float] = []
    queue = list(range(n))
    start = time.perf_counter()

    async def worker() -> None:
        while queue:
            i = queue.pop()
            body, sig, _ = bodies[i]
            t0 = time.perf_counter()
            async with session.post(urls[i % len(urls)], data=body, headers={
                    "X-Line-Signature": sig, "Content-Type": "application/json"}) as resp:
                await resp.read()
                assert resp.status == 200, resp.status
            latencies.append(time.perf_counter() - t0)

    await asyncio.gather(*(worker() for _ in range(conc)))
    return latencies, [b[2] for b in bodies], start


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


async def bench_bot(n: int, conc: int, database_url: str | None, workers: int = 1
                    ) -> dict[str, float]:
    fake, fake_port, ports = FakeLine(), free_port(), [free_port() for _ in range(workers)]
    runner = await fake.start(fake_port)
    tmp = tempfile.mkdtemp()
    env = {**os.environ, "LINE_CHANNEL_SECRET": SECRET,
           "LINE_CHANNEL_ACCESS_TOKEN": "bench",
           "LINE_API_BASE_URL": f"http://127.0.0.1:{fake_port}",
           "DATABASE_URL": database_url or f"sqlite://{tmp}/bench.sqlite3",
           "LOG_LEVEL": "WARNING", "LOCAL_CHAT": "false"}
    subprocess.run([sys.executable, "run.py", "migrate"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    procs = [subprocess.Popen([sys.executable, "run.py", "serve"], cwd=ROOT,
                              env={**env, "PORT": str(port)}) for port in ports]
    try:
        async with ClientSession() as session:
            for port in ports:
                await wait_up(session, f"http://127.0.0.1:{port}/healthz")
            urls = [f"http://127.0.0.1:{port}/webhook/line" for port in ports]
            lat, tokens, start = await load(session, urls, n, conc)
            deadline = time.monotonic() + 60
            while sum(1 for t in tokens if fake.replies[t]) < n and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            end = max(fake.first_seen.values(), default=time.perf_counter())
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait()
        await runner.cleanup()
    answered = sum(1 for t in tokens if fake.replies[t])
    return {"events": n, "answered": answered, "lost": n - answered,
            "twice": sum(1 for t in tokens if fake.replies[t] > 1),
            "events_per_s": answered / (end - start), "p50_ms": pct(lat, 0.5),
            "p99_ms": pct(lat, 0.99)}


async def bench_bare(n: int, conc: int) -> dict[str, float]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", BARE, str(port)])
    try:
        async with ClientSession() as session:
            await wait_up(session, f"http://127.0.0.1:{port}/healthz")
            lat, _, start = await load(session, [f"http://127.0.0.1:{port}/webhook/line"], n,
                                       conc)
            elapsed = time.perf_counter() - start
    finally:
        proc.terminate()
        proc.wait()
    return {"events_per_s": n / elapsed, "p50_ms": pct(lat, 0.5), "p99_ms": pct(lat, 0.99)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--database-url", help="default: a fresh SQLite file (embedded mode)")
    parser.add_argument("--workers", type=int, default=1,
                        help="bot processes (more than 1 needs --database-url postgres://...)")
    args = parser.parse_args()
    if args.workers > 1 and not (args.database_url or "").startswith("postgres"):
        parser.error("--workers > 1 needs PostgreSQL: SQLite is one process by design")
    bot = asyncio.run(bench_bot(args.events, args.concurrency, args.database_url, args.workers))
    bare = asyncio.run(bench_bare(args.events, args.concurrency))
    print(f"bot end to end : {bot['events_per_s']:.0f} events/s, ack p50 {bot['p50_ms']:.1f} ms, "
          f"p99 {bot['p99_ms']:.1f} ms, answered {bot['answered']}/{bot['events']}, "
          f"lost {bot['lost']}, answered twice {bot['twice']}")
    print(f"bare verify    : {bare['events_per_s']:.0f} events/s, "
          f"ack p50 {bare['p50_ms']:.1f} ms, "
          f"p99 {bare['p99_ms']:.1f} ms")
    print(f"ratio bot/bare : {bot['events_per_s'] / bare['events_per_s']:.2f}")


if __name__ == "__main__":
    main()
