"""Fault benchmark: a burst of LINE events with a kill -9 of the bot and a LINE outage.

Usage: .venv/bin/python bench/fault.py [--events 2000] [--concurrency 32] [--outage 40]
                                       [--kill-at 0.3] [--outage-at 0.5]
                                       [--database-url postgres://.../fresh_db] [--timeout 900]
Quick check: --events 200 --outage 5

Runs `run.py serve` as a subprocess against a fake LINE API in this process and posts signed
single-event bodies as LINE does (a request that is not answered 200 is sent again, flagged
as a redelivery). When --kill-at of the events are acknowledged the bot gets SIGKILL and is
started again at once; when --outage-at are acknowledged LINE goes down for --outage seconds
(half the calls answer 500, half hang past the client's timeout; nothing is delivered). The
fake LINE behaves like the real one where it matters: reply tokens are single use and expire
after 60 s, a push whose X-Line-Retry-Key was accepted before answers 409.

Prints lost (events never answered), doubled (answered more than once), 5xx (webhook answers
>= 500), refused (connections refused while the bot was down; LINE retries those), the
reply/push split, and exits 1 unless lost = doubled = 5xx = 0.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout, web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bot.adapters.line import RETRY_NAMESPACE  # noqa: E402  (the bot's own retry keys)

SECRET = "fault-secret"
QUESTIONS = ["什麼是參與式預算", "住民大會", "i-Voting投票人數", "你好", "選單"]
TOKEN_LIFE = 60.0


class FakeLine:
    """Counts each event's answers (reply by token, push by retry key); can go down."""

    def __init__(self, events: dict[str, str]) -> None:
        self.token_event = {token: key for key, token in events.items()}
        self.issued: dict[str, float] = {}
        self.key_event = {str(uuid.uuid5(RETRY_NAMESPACE, f"{key}:0")): key for key in events}
        self.used_tokens: set[str] = set()
        self.used_keys: set[str] = set()
        self.answers: Counter[str] = Counter()
        self.by: Counter[str] = Counter()
        self.down_until = 0.0
        self.calls_down = 0

    async def handle(self, request: web.Request) -> web.Response:
        data = await request.json()
        if time.monotonic() < self.down_until:
            return await self._down()
        if request.path.endswith("/reply"):
            return self._reply(data["replyToken"], data)
        return self._push(request.headers.get("X-Line-Retry-Key", ""), data)

    async def _down(self) -> web.Response:
        self.calls_down += 1
        if self.calls_down % 2:  # a timeout: no answer before the client gives up
            await asyncio.sleep(max(0.0, self.down_until - time.monotonic()) + 0.5)
        return web.json_response({"message": "Internal server error"}, status=500)

    def _reply(self, token: str, data: dict[str, object]) -> web.Response:
        expired = time.monotonic() - self.issued.get(token, 0.0) > TOKEN_LIFE
        if token in self.used_tokens or expired:
            return web.json_response({"message": "Invalid reply token"}, status=400)
        self.used_tokens.add(token)
        self._answered(self.token_event.get(token), "reply")
        return _sent(data)

    def _push(self, key: str, data: dict[str, object]) -> web.Response:
        if key in self.used_keys:
            return web.json_response({"message": "The retry key is already accepted"},
                                     status=409, headers={"x-line-accepted-request-id": "r"})
        self.used_keys.add(key)
        self._answered(self.key_event.get(key), "push")  # later batches map to no event
        return _sent(data)

    def _answered(self, event: str | None, how: str) -> None:
        if event is not None:
            self.answers[event] += 1
            self.by[how] += 1

    async def start(self, port: int) -> web.AppRunner:
        app = web.Application()
        app.router.add_post("/v2/bot/message/reply", self.handle)
        app.router.add_post("/v2/bot/message/push", self.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        return runner


def _sent(data: dict[str, object]) -> web.Response:
    messages = data.get("messages") or []
    assert isinstance(messages, list)
    return web.json_response({"sentMessages": [{"id": "1"} for _ in messages]})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def event_body(i: int, run: str, token: str, stamp: int, redelivery: bool
               ) -> tuple[bytes, str]:
    event = {
        "type": "message", "mode": "active", "timestamp": stamp,
        "source": {"type": "user", "userId": "U" + f"{i % 300:032x}"},
        "webhookEventId": f"01F{run}{i:015d}", "deliveryContext": {"isRedelivery": redelivery},
        "replyToken": token,
        "message": {"id": str(i), "type": "text", "text": QUESTIONS[i % len(QUESTIONS)],
                    "quoteToken": "q"},
    }
    body = json.dumps({"destination": "U" + "0" * 32, "events": [event]}).encode()
    sig = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
    return body, sig


class Bot:
    """The bot process: start, kill -9, start again."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen([sys.executable, "run.py", "serve"], cwd=ROOT,
                                         env=self.env, stdout=out, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait()


class Load:
    """LINE's side: post each event until it is acknowledged with 200."""

    def __init__(self, url: str, n: int, run: str) -> None:
        self.url, self.n, self.run = url, n, run
        self.tokens = {i: uuid.uuid4().hex for i in range(n)}
        self.acked = 0
        self.status: Counter[int] = Counter()
        self.refused = 0

    async def post_all(self, session: ClientSession, conc: int, fake: FakeLine) -> None:
        queue = list(range(self.n))

        async def worker() -> None:
            while queue:
                await self._post(session, queue.pop(0), fake)

        await asyncio.gather(*(worker() for _ in range(conc)))

    async def _post(self, session: ClientSession, i: int, fake: FakeLine) -> None:
        fake.issued.setdefault(self.tokens[i], time.monotonic())
        stamp = int(time.time() * 1000)  # a redelivery keeps the event's own time
        for attempt in range(10_000):
            body, sig = event_body(i, self.run, self.tokens[i], stamp, redelivery=attempt > 0)
            try:
                async with session.post(self.url, data=body, headers={
                        "X-Line-Signature": sig, "Content-Type": "application/json"}) as resp:
                    self.status[resp.status] += 1
                    if resp.status == 200:
                        self.acked += 1
                        return
            except (ClientError, OSError):  # the bot is down (killed): LINE retries later
                self.refused += 1
            await asyncio.sleep(0.2)
        raise RuntimeError(f"event {i} was never acknowledged")


async def wait_up(session: ClientSession, url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            async with session.get(url) as resp:
                if resp.status == 200:
                    return
        except (ClientError, OSError):
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


async def faults(load: Load, bot: Bot, fake: FakeLine, args: argparse.Namespace,
                 session: ClientSession, health: str) -> dict[str, float]:
    """Kill -9 and restart at --kill-at, LINE outage at --outage-at; return when they were."""
    when: dict[str, float] = {}
    for name, share in sorted((("kill", args.kill_at), ("outage", args.outage_at)),
                              key=lambda x: x[1]):
        while load.acked < share * load.n:
            await asyncio.sleep(0.01)
        when[name] = time.monotonic()
        if name == "kill":
            bot.kill()
            bot.start()
            await wait_up(session, health)
        else:
            fake.down_until = time.monotonic() + args.outage
    return when


async def run(args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="fault-"))
    line_port, bot_port, run_id = free_port(), free_port(), uuid.uuid4().hex[:8]
    load = Load(f"http://127.0.0.1:{bot_port}/webhook/line", args.events, run_id)
    keys = {f"01F{run_id}{i:015d}": load.tokens[i] for i in range(args.events)}
    fake = FakeLine(keys)
    runner = await fake.start(line_port)
    env = {**os.environ, "LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": "fault",
           "LINE_API_BASE_URL": f"http://127.0.0.1:{line_port}", "PORT": str(bot_port),
           "DATABASE_URL": args.database_url or f"sqlite://{tmp}/fault.sqlite3",
           "LOG_LEVEL": "WARNING", "LOCAL_CHAT": "false"}
    subprocess.run([sys.executable, "run.py", "migrate"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    bot = Bot(env, tmp / "bot.log")
    bot.start()
    start = time.monotonic()
    try:
        async with ClientSession(timeout=ClientTimeout(total=30)) as session:
            health = f"http://127.0.0.1:{bot_port}/healthz"
            await wait_up(session, health)
            posting = asyncio.create_task(load.post_all(session, args.concurrency, fake))
            when = await faults(load, bot, fake, args, session, health)
            await posting
            deadline = time.monotonic() + args.timeout
            while len(fake.answers) < args.events and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            await asyncio.sleep(2)  # anything answered twice shows up now, not later
    finally:
        bot.stop()
        await runner.cleanup()
    return {"events": args.events, "acked": load.acked,
            "lost": sum(1 for k in keys if fake.answers[k] == 0),
            "doubled": sum(1 for k in keys if fake.answers[k] > 1),
            "5xx": sum(n for s, n in load.status.items() if s >= 500),
            "refused": load.refused, "reply": fake.by["reply"], "push": fake.by["push"],
            "seconds": time.monotonic() - start,
            "kill_at_s": when["kill"] - start, "outage_at_s": when["outage"] - start,
            "log": str(tmp / "bot.log")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--outage", type=float, default=40.0, help="seconds LINE is down")
    parser.add_argument("--kill-at", type=float, default=0.3,
                        help="share of events acknowledged when the bot is killed")
    parser.add_argument("--outage-at", type=float, default=0.5,
                        help="share of events acknowledged when LINE goes down")
    parser.add_argument("--database-url", help="a fresh PostgreSQL database (default: SQLite)")
    parser.add_argument("--timeout", type=float, default=900,
                        help="seconds to wait for every answer after the last ack")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    print(f"database   : {'PostgreSQL' if args.database_url else 'SQLite'}")
    print(f"events     : {result['events']} ({result['acked']} acknowledged), kill -9 at "
          f"{result['kill_at_s']:.1f} s, LINE down {args.outage:.0f} s from "
          f"{result['outage_at_s']:.1f} s")
    print(f"lost / doubled / 5xx : {result['lost']} / {result['doubled']} / {result['5xx']}")
    print(f"refused while down   : {result['refused']} (LINE sends those again)")
    print(f"answers by reply/push: {result['reply']} / {result['push']}")
    print(f"took {result['seconds']:.0f} s; bot log: {result['log']}")
    sys.exit(0 if result["lost"] == result["doubled"] == result["5xx"] == 0 else 1)


if __name__ == "__main__":
    main()
