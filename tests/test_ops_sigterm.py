"""SIGTERM to a real `run.py serve` in the middle of a load of signed LINE webhooks.

It must stop taking webhooks, finish what is in flight, hand back every lease, exit 0; a
second process then answers the rest: every acknowledged event answered exactly once.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

from bot.storage.models import InboundEvent, Job
from tests.bot_harness import LINE_SECRET
from tests.fakes.line_api import FakeLineApi
from tests.fakes.webhooks import line_body, line_signature, line_text_event

ROOT = Path(__file__).resolve().parent.parent
EVENTS, AT_ONCE, STOP_AFTER = 90, 6, 30
QUESTIONS = ("什麼是參與式預算", "i-Voting 怎麼投票", "提案要怎麼寫", "你好", "住民大會是什麼")


def _user(i: int) -> str:
    return f"U{i:032x}"


def _env(db_url: str, line: FakeLineApi) -> dict[str, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINE_", "TELEGRAM_"))}
    return env | {
        "DATABASE_URL": db_url, "HOST": "127.0.0.1", "PORT": str(port),
        "LINE_CHANNEL_SECRET": LINE_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": "line-token",
        "LINE_API_BASE_URL": line.base_url, "LOCAL_CHAT": "false", "QUIET_HOURS": "off",
        "REDIS_URL": "", "NO_PROXY": "127.0.0.1,localhost", "LOG_FORMAT": "json",
        "SHUTDOWN_GRACE": "5", "WORKER_BATCH": "8"}


async def _serve(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "run.py", "serve", cwd=ROOT, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=out)


async def _until(check: Callable[[], Awaitable[bool]], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def _ok(http: aiohttp.ClientSession, url: str) -> bool:
    try:
        async with http.get(url) as resp:
            return resp.status == 200
    except aiohttp.ClientError:
        return False


async def _load(http: aiohttp.ClientSession, url: str, proc: asyncio.subprocess.Process
                ) -> set[int]:
    """Post EVENTS events (one per user), AT_ONCE at a time; SIGTERM after STOP_AFTER acks."""
    acked: set[int] = set()
    stopped: list[float] = []
    queue = list(range(EVENTS))

    async def post(i: int) -> None:
        event = line_text_event(_user(i), QUESTIONS[i % len(QUESTIONS)],
                                 reply_token=f"tok-{i}")
        raw = json.dumps(line_body([event])).encode()
        headers = {"X-Line-Signature": line_signature(raw, LINE_SECRET),
                   "Content-Type": "application/json"}
        try:
            async with http.post(url, data=raw, headers=headers) as resp:
                if resp.status == 200:
                    acked.add(i)
        except aiohttp.ClientError:
            pass  # refused while stopping: not acknowledged, LINE would send it again
        if len(acked) >= STOP_AFTER and not stopped:
            stopped.append(time.monotonic())
            proc.send_signal(signal.SIGTERM)  # once, as systemd does

    async def lane() -> None:
        while queue:
            await post(queue.pop(0))
    await asyncio.gather(*(lane() for _ in range(AT_ONCE)))
    return acked


def _answers(line: FakeLineApi) -> Counter[int]:
    """Answers per user index: accepted replies (by token) and pushes."""
    count: Counter[int] = Counter()
    for req in line.requests:
        if req.path == "/v2/bot/message/reply":
            count[int(req.json["replyToken"].removeprefix("tok-"))] += 1
        elif req.path == "/v2/bot/message/push":
            count[int(req.json["to"][1:], 16)] += 1
    return count


async def _leases_held() -> tuple[int, int]:
    now = datetime.now(UTC)
    events = await InboundEvent.filter(status__in=["pending", "handled"],
                                       locked_until__gt=now).count()
    jobs = await Job.filter(status="pending", locked_until__gt=now).count()
    return events, jobs


async def test_sigterm_mid_load_hands_back_leases_and_answers_each_event_once(
        db: str, tmp_path: Path) -> None:
    async with FakeLineApi(delay=0.05) as line, aiohttp.ClientSession() as http:
        env = _env(db, line)
        base = f"http://127.0.0.1:{env['PORT']}"
        log = tmp_path / "bot.log"
        first = await _serve(env, log)
        second = None
        try:
            await _until(lambda: _ok(http, f"{base}/readyz"), 30, "the first process")
            acked = await _load(http, f"{base}/webhook/line", first)
            assert await asyncio.wait_for(first.wait(), 15) == 0  # exit 0, within the grace
            assert STOP_AFTER <= len(acked) < EVENTS  # stopped in the middle of the load
            assert await _leases_held() == (0, 0)  # every lease handed back
            env2 = _env(db, line)
            second = await _serve(env2, log)
            base2 = f"http://127.0.0.1:{env2['PORT']}"

            async def settled() -> bool:
                left = await InboundEvent.filter(status__in=["pending", "handled"]).count()
                return left == 0 and set(_answers(line)) >= acked
            await _until(lambda: _ok(http, f"{base2}/readyz"), 30, "the second process")
            await _until(settled, 30, "every acknowledged event answered")
            second.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(second.wait(), 15) == 0
        finally:
            for proc in (first, second):
                if proc is not None and proc.returncode is None:
                    proc.kill()
                    await proc.wait()
        answers = _answers(line)
        assert {i: answers[i] for i in acked} == dict.fromkeys(acked, 1)
        assert max(answers.values()) == 1  # nothing answered twice, acknowledged or not
        assert line.errors == []
        lines = log.read_text().splitlines()
        entries = [json.loads(entry) for entry in lines]  # LOG_FORMAT=json: one per line
        assert any("handed back" in e["message"] for e in entries)
        assert not any(_user(i) in entry for entry in lines for i in range(EVENTS))
