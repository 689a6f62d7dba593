"""Run the real aiohttp app against fake LINE and Telegram API servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer

from bot.common.settings import Settings, load_settings
from bot.handlers.deps import Deps
from bot.runtime.services import build_services
from bot.runtime.web import build_app
from bot.storage import inbox
from tests.chat import shared_deps
from tests.fakes.line_api import FakeLineApi
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.webhooks import line_signature

LINE_SECRET = "channel_secret"
TG_TOKEN = "123456:TEST-token"
TG_SECRET = "tg-secret_1"


@dataclass
class Bot:
    """A running bot with its fakes."""

    client: TestClient
    line: FakeLineApi
    telegram: FakeTelegramApi
    settings: Settings

    async def post_line(self, body: dict[str, Any] | bytes, signature: str | None = "auto",
                        ) -> ClientResponse:
        """POST a LINE webhook body, signed unless told otherwise."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if signature == "auto":
            signature = line_signature(raw, LINE_SECRET)
        if signature is not None:
            headers["X-Line-Signature"] = signature
        return await self.client.post("/webhook/line", data=raw, headers=headers)

    async def post_telegram(self, update: dict[str, Any] | bytes,
                            secret: str | None = TG_SECRET) -> ClientResponse:
        """POST a Telegram update with the secret header (unless None)."""
        raw = update if isinstance(update, bytes) else json.dumps(update).encode()
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        return await self.client.post("/webhook/telegram", data=raw, headers=headers)

    async def settle(self, timeout: float = 10.0) -> dict[str, int]:
        """Wait until the inbox has nothing left to process; return the counts."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            counts = await inbox.counts()
            if counts["pending"] == 0 and counts["handled"] == 0:
                return counts
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"inbox did not settle: {counts}")
            await asyncio.sleep(0.02)


@asynccontextmanager
async def running_bot(tmp_path: Path, deps: Deps | None = None,
                      **overrides: Any) -> AsyncIterator[Bot]:
    """The app with LINE and Telegram on, backed by fakes, on a fresh SQLite file (deps: e.g.
    the shared ones with a fake clock)."""
    async with FakeLineApi() as line, FakeTelegramApi() as telegram:
        values: dict[str, Any] = {
            "database_url": f"sqlite://{tmp_path / 'bot.sqlite3'}",
            "line_channel_secret": LINE_SECRET, "line_channel_access_token": "line-token",
            "line_api_base_url": line.base_url,
            "telegram_bot_token": TG_TOKEN, "telegram_webhook_secret": TG_SECRET,
            "telegram_api_base_url": telegram.base_url,
            "telegram_webhook_url": "https://bot.example.org/webhook/telegram",
            "local_chat": True,
        }
        values.update(overrides)
        settings = load_settings(**values)
        app = build_app(settings, build_services(settings, deps or shared_deps()))
        client = TestClient(TestServer(app))
        try:  # a failed start-up still runs the app's clean-up (database, clients)
            await client.start_server()
            yield Bot(client, line, telegram, settings)
        finally:
            await client.close()
