"""Logs keep secrets: a full run of `run.py serve` (LINE and Telegram webhooks, the proposal
wizard in the web chat, the printable page, polling, errors) leaves no user id, token or
conversation key in its log, access log and tracebacks included."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import sqlite3
import sys
from pathlib import Path
from typing import Any

from aiohttp import ClientSession

from bot.common.logs import redact
from tests.bot_harness import LINE_SECRET, TG_SECRET, TG_TOKEN
from tests.fakes.line_api import FakeLineApi
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.webhooks import (
    line_body,
    line_postback_event,
    line_signature,
    line_text_event,
    telegram_message_update,
)

ROOT = Path(__file__).resolve().parent.parent
LINE_USER, LINE_GROUP = "U" + "3a" * 16, "C" + "9b" * 16
TG_USER, TG_GROUP = 7012345678, -1001987654321
RESIDENT, LEAKY = "resident0042", "resident0099"
WIZARD = ["我要提案", "士林公園增設遮陽棚", "士林區", "士林公園", "公園與綠地",
          "夏天太陽很大，長者在公園休息沒有遮蔽的地方。", "在公園步道旁增設三座遮陽棚與座椅。",
          "附近長者與親子", "50萬", "不要"]


def test_a_full_run_logs_no_ids_tokens_or_keys(tmp_path: Path) -> None:
    log, secrets = asyncio.run(_full_run(tmp_path))
    assert "aiohttp.access" in log and "/p/[token]" in log  # the access log was on
    assert "Traceback" in log  # the error's traceback was logged, redacted
    assert "not delivered" in log  # and the refused answer
    leaks = [s for s in secrets if s in log]
    assert leaks == [], f"found in the log: {leaks}"


def test_redact_covers_each_kind_of_secret() -> None:
    line = ("GET /p/AbC_123-x?z=1 /api/poll?user=resident01&x=2 key line:Cabc:U1 "
            f"('telegram', '-100123', '7001') {LINE_USER} chat {TG_GROUP} bot{TG_TOKEN}/send")
    out = redact(line)
    for secret in ("AbC_123-x", "resident01", "Cabc", "-100123", "'7001'", LINE_USER,
                   str(TG_GROUP), TG_TOKEN):
        assert secret not in out, (secret, out)
    assert "2026-11-29 09:09:25,873" in redact("2026-11-29 09:09:25,873 INFO x")  # dates stay


async def _full_run(tmp_path: Path) -> tuple[str, list[str]]:
    db = tmp_path / "bot.sqlite3"
    async with FakeLineApi() as line, FakeTelegramApi() as telegram:
        port = _free_port()
        env = {**os.environ, "PORT": str(port), "DATABASE_URL": f"sqlite://{db}",
               "LINE_CHANNEL_SECRET": LINE_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": "line-token",
               "LINE_API_BASE_URL": line.base_url, "TELEGRAM_BOT_TOKEN": TG_TOKEN,
               "TELEGRAM_WEBHOOK_SECRET": TG_SECRET, "LOCAL_CHAT": "true",
               "TELEGRAM_API_BASE_URL": telegram.base_url, "LOG_LEVEL": "INFO",
               "ACCESS_LOG": "true"}  # off by default; on here to check its redaction
        log_path = tmp_path / "bot.log"
        with log_path.open("w") as out:
            bot = await asyncio.create_subprocess_exec(
                sys.executable, "run.py", "serve", cwd=ROOT, env=env, stdout=out,
                stderr=asyncio.subprocess.STDOUT)
            try:
                secrets = await _drive(f"http://127.0.0.1:{port}", line, db)
            finally:
                bot.send_signal(signal.SIGINT)
                await asyncio.wait_for(bot.wait(), 30)
    return log_path.read_text(encoding="utf-8"), secrets


async def _drive(base: str, line: FakeLineApi, db: Path) -> list[str]:
    async with ClientSession() as http:
        await _wait_up(http, base)
        tokens = await _line(http, base, line)
        await _telegram(http, base)
        page_token = await _wizard(http, base)
        async with http.get(f"{base}/p/{page_token}") as resp:
            assert resp.status == 200
        async with http.get(f"{base}/p/notARealToken123") as resp:
            assert resp.status == 404
        async with http.get(f"{base}/api/poll", params={"user": RESIDENT}) as resp:
            assert resp.status == 200
        await _an_error_naming_a_user(http, base, db)
        await _settled(http, base)
    return [LINE_USER, LINE_GROUP, str(TG_USER), str(TG_GROUP), RESIDENT, LEAKY, page_token,
            TG_TOKEN, "line-token", *tokens, f"line:{LINE_USER}", f"telegram:{TG_GROUP}"]


async def _line(http: ClientSession, base: str, line: FakeLineApi) -> list[str]:
    await _post_line(http, base, line_text_event(LINE_USER, "住民大會是什麼",
                                                 reply_token="rt-secret-1"))
    await _post_line(http, base, line_postback_event(LINE_USER, "zz|menu|"))
    await _settled(http, base)
    # The group's answer is refused for good (its reply, then its push): an error line.
    line.fail_next = [(400, "bad request"), (400, "bad request")]
    await _post_line(http, base, line_text_event(LINE_USER, "@bot 你好", source="group",
                                                 group_id=LINE_GROUP, mention_self=True,
                                                 reply_token="rt-secret-2"))
    await _settled(http, base)
    return ["rt-secret-1", "rt-secret-2"]


async def _post_line(http: ClientSession, base: str, event: dict[str, Any]) -> None:
    raw = json.dumps(line_body([event])).encode()
    headers = {"X-Line-Signature": line_signature(raw, LINE_SECRET),
               "Content-Type": "application/json"}
    async with http.post(f"{base}/webhook/line", data=raw, headers=headers) as resp:
        assert resp.status == 200


async def _telegram(http: ClientSession, base: str) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}
    for update in (telegram_message_update(88001, TG_USER, TG_USER, "/start"),
                   telegram_message_update(88002, TG_GROUP, TG_USER, "/whoami", "supergroup")):
        async with http.post(f"{base}/webhook/telegram", json=update, headers=headers) as resp:
            assert resp.status == 200


async def _chat(http: ClientSession, base: str, user: str, **body: Any) -> Any:
    async with http.post(f"{base}/api/chat", json={"user": user, **body}) as resp:
        return resp.status, await resp.json()


async def _wizard(http: ClientSession, base: str) -> str:
    for answer in WIZARD:
        status, data = await _chat(http, base, RESIDENT, text=answer)
        assert status == 200
    for label in ("送出提案", "仍要送出"):
        choices = [c for r in data["replies"] for c in r["choices"] if label in c["label"]]
        if choices:
            status, data = await _chat(http, base, RESIDENT, payload=choices[0]["payload"])
    text = "\n".join(r["text"] for r in data["replies"])
    found = re.search(r"/p/([A-Za-z0-9_-]+)", text)
    assert found, text
    return found.group(1)


async def _an_error_naming_a_user(http: ClientSession, base: str, db: Path) -> None:
    """A database error whose message carries a conversation key and ids, as PostgreSQL's
    constraint errors do: the turn fails (503) and its traceback is logged."""
    message = (f"refused ('local', '{LEAKY}', '{LEAKY}') local:{LEAKY}:{LEAKY} "
               f"{LINE_USER} {TG_USER}")
    with sqlite3.connect(db) as conn:
        quoted = message.replace("'", "''")
        conn.execute(f"CREATE TRIGGER leak BEFORE INSERT ON unanswered "
                     f"BEGIN SELECT RAISE(ABORT, '{quoted}'); END")
    status, data = await _chat(http, base, LEAKY, text="今天股市如何")  # logs a question
    assert status == 503 and data["replies"]


async def _settled(http: ClientSession, base: str) -> None:
    for _ in range(300):
        async with http.get(f"{base}/healthz") as resp:
            inbox = (await resp.json())["inbox"]
        if inbox["pending"] == inbox["handled"] == 0:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"inbox did not settle: {inbox}")


async def _wait_up(http: ClientSession, base: str) -> None:
    for _ in range(600):
        try:
            async with http.get(f"{base}/healthz") as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError("the bot did not start")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
