"""Fault benchmark: a burst of LINE events with a kill -9 of the bot and a LINE outage.

Usage: .venv/bin/python bench/fault.py [--events 2000] [--concurrency 32] [--outage 40]
                                       [--kill-at 0.3 | --kill-during-outage 5]
                                       [--slow-reply 12] [--outage-at 0.5]
                                       [--database-url postgres://.../fresh_db] [--timeout 900]
Quick check: --events 200 --outage 5
Issue 19's scenarios: --outage 70 --kill-during-outage 5 (LINE down 70 s, kill -9 five
seconds in, restart at once) and --slow-reply 12 (LINE carries replies out but answers only
after 12 s, for --outage seconds, while the bot gives up at 10 s).

Runs `run.py serve` as a subprocess against a fake LINE API in this process and posts signed
single-event bodies as LINE does (a request that is not answered 200 is sent again, flagged
as a redelivery). When --kill-at of the events are acknowledged the bot gets SIGKILL and is
started again at once; when --outage-at are acknowledged LINE goes down for --outage seconds
(half the calls answer 500, half hang past the client's timeout; nothing is delivered), or
slow with --slow-reply. The fake LINE (bench/fault_line.py) behaves like the real one where it
matters: reply tokens are single use (400 "Invalid reply token") and expire after 60 s, a push
whose X-Line-Retry-Key was accepted before answers 409.

Prints lost (never answered while the bot's inbox says done: lost without a trace), doubled
(answered more than once), never answered (all acknowledged events without an answer, done
or still waiting), 5xx (webhook answers >= 500), refused (connections refused while the bot
was down; LINE retries those), the reply/push split, and exits 1 unless all are 0.
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

from aiohttp import ClientError, ClientSession, ClientTimeout

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.fault_line import FakeLine  # noqa: E402
from bench.inbox_rows import inbox_rows  # noqa: E402
from bot.adapters.line import RETRY_NAMESPACE  # noqa: E402  (the bot's own retry keys)

SECRET = "fault-secret"
QUESTIONS = ["什麼是參與式預算", "住民大會", "i-Voting投票人數", "你好", "選單"]


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
    """Kill -9 and restart (at --kill-at, or --kill-during-outage seconds into the outage),
    LINE down or slow at --outage-at; return when they were."""
    when: dict[str, float] = {}
    steps = [("outage", args.outage_at)]
    if args.kill_during_outage is None:
        steps.append(("kill", args.kill_at))
    for name, share in sorted(steps, key=lambda x: x[1]):
        while load.acked < share * load.n:
            await asyncio.sleep(0.01)
        when[name] = time.monotonic()
        if name == "kill":
            await restart(bot, session, health)
        else:
            fake.fault(args.outage, args.slow_reply or 0.0)
    if args.kill_during_outage is not None:
        await asyncio.sleep(args.kill_during_outage)
        when["kill"] = time.monotonic()
        await restart(bot, session, health)
    return when


async def restart(bot: Bot, session: ClientSession, health: str) -> None:
    """kill -9, start again at once, wait until it answers."""
    bot.kill()
    bot.start()
    await wait_up(session, health)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="fault-"))
    line_port, bot_port, run_id = free_port(), free_port(), uuid.uuid4().hex[:8]
    load = Load(f"http://127.0.0.1:{bot_port}/webhook/line", args.events, run_id)
    keys = {f"01F{run_id}{i:015d}": load.tokens[i] for i in range(args.events)}
    fake = FakeLine(keys, RETRY_NAMESPACE)
    runner = await fake.start(line_port)
    database_url = args.database_url or f"sqlite://{tmp}/fault.sqlite3"
    env = {**os.environ, "LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": "fault",
           "LINE_API_BASE_URL": f"http://127.0.0.1:{line_port}", "PORT": str(bot_port),
           "DATABASE_URL": database_url,
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
    rows = await inbox_rows(database_url)
    never = [k for k in keys if fake.answers[k] == 0]
    return {"events": args.events, "acked": load.acked, "never": len(never),
            # lost: never answered although the bot's inbox says done (or has no row)
            "lost": sum(1 for k in never if rows.get(k, ("done", None))[0] == "done"),
            "doubled": sum(1 for k in keys if fake.answers[k] > 1),
            "pushed_unknown": sum(1 for st, rs in rows.values() if rs == "unknown"),
            "5xx": sum(n for s, n in load.status.items() if s >= 500),
            "refused": load.refused, "reply": fake.by["reply"], "push": fake.by["push"],
            "late": fake.late_answers, "reused": fake.reused_tokens,
            "seconds": time.monotonic() - start,
            "kill_at_s": when["kill"] - start, "outage_at_s": when["outage"] - start,
            "log": str(tmp / "bot.log")}


def main() -> None:
    args = parse_args()
    result = asyncio.run(run(args))
    fault = (f"LINE slow ({args.slow_reply:.0f} s per answer)" if args.slow_reply
             else "LINE down")
    print(f"database   : {'PostgreSQL' if args.database_url else 'SQLite'}")
    print(f"events     : {result['events']} ({result['acked']} acknowledged), kill -9 at "
          f"{result['kill_at_s']:.1f} s, {fault} for {args.outage:.0f} s from "
          f"{result['outage_at_s']:.1f} s")
    print(f"lost / doubled / never answered : {result['lost']} / {result['doubled']} / "
          f"{result['never']}")
    print(f"webhook 5xx          : {result['5xx']}")
    print(f"refused while down   : {result['refused']} (LINE sends those again)")
    print(f"answers by reply/push: {result['reply']} / {result['push']}; answered late "
          f"{result['late']}, reused tokens refused {result['reused']}")
    print(f"pushed after an unknown reply (inbox status counts them): "
          f"{result['pushed_unknown']}")
    print(f"took {result['seconds']:.0f} s; bot log: {result['log']}")
    ok = result["lost"] == result["doubled"] == result["never"] == result["5xx"] == 0
    sys.exit(0 if ok else 1)


def parse_args() -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--outage", type=float, default=40.0,
                        help="seconds LINE is down (or slow, with --slow-reply)")
    parser.add_argument("--kill-at", type=float, default=0.3,
                        help="share of events acknowledged when the bot is killed")
    parser.add_argument("--kill-during-outage", type=float, metavar="SECONDS",
                        help="kill -9 this many seconds into the outage instead")
    parser.add_argument("--slow-reply", type=float, metavar="SECONDS",
                        help="LINE carries calls out but answers after SECONDS (the bot "
                             "gives up at 10 s) instead of being down")
    parser.add_argument("--outage-at", type=float, default=0.5,
                        help="share of events acknowledged when LINE goes down")
    parser.add_argument("--database-url", help="a fresh PostgreSQL database (default: SQLite)")
    parser.add_argument("--timeout", type=float, default=900,
                        help="seconds to wait for every answer after the last ack")
    return parser.parse_args()


if __name__ == "__main__":
    main()
