"""A fake Telegram Bot API on 127.0.0.1 that validates every call against api.json."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

from tests.fakes.server import serve
from tests.fakes.specs import validate_telegram_call

BOT_USER = {"id": 999000, "is_bot": True, "first_name": "小幫手", "username": "civic_test_bot",
            "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False}


@dataclass(frozen=True)
class Call:
    """One Bot API call."""

    method: str
    params: dict[str, Any]


@dataclass
class FakeTelegramApi:
    """getMe, webhooks, getUpdates (from a queue), sendMessage and friends."""

    calls: list[Call] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Answers for the next calls, in order: an error ({error_code, description, ...}), or None.
    fail_next: list[dict[str, Any] | None] = field(default_factory=list)
    base_url: str = ""
    token: str = ""
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _message_id: int = 100

    async def __aenter__(self) -> FakeTelegramApi:
        await self.start()
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        await self.stop()

    async def start(self) -> str:
        """Listen on an ephemeral port; the bot's base_url is this plus '/bot'."""
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/bot{token}/{method}", self._handle)
        self._runner, self.base_url = await serve(app)
        return self.base_url

    async def stop(self) -> None:
        """Shut the server down."""
        if self._runner is not None:
            await self._runner.cleanup()

    def queue_update(self, update: dict[str, Any]) -> None:
        """An update getUpdates will return."""
        self._updates.append(update)

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return dict(await request.json())
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            try:  # PTB sends nested and non-string values JSON-encoded in form fields
                params[key] = json.loads(str(value))
            except ValueError:
                params[key] = str(value)
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        # Text fields PTB form-encodes may look like numbers: keep strings where the spec says.
        for name in ("text", "callback_query_id", "secret_token", "url"):
            if name in params and not isinstance(params[name], str):
                params[name] = json.dumps(params[name])
        problems = validate_telegram_call(method, params)
        if problems:
            self.errors.extend(problems)
            return web.json_response({"ok": False, "error_code": 400,
                                      "description": "; ".join(problems)}, status=400)
        fail = self.fail_next.pop(0) if self.fail_next else None
        if fail is not None:
            return web.json_response({"ok": False, **fail}, status=fail.get("error_code", 500))
        self.calls.append(Call(method, params))
        self._arrived.set()
        return web.json_response({"ok": True, "result": await self._result(method, params)})

    async def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            updates, self._updates = self._updates, []
            return updates
        if method in ("sendMessage", "editMessageText"):
            self._message_id += 1
            return {"message_id": self._message_id, "date": int(time.time()),
                    "chat": {"id": params.get("chat_id"), "type": "private"},
                    "from": BOT_USER, "text": params.get("text", "")}
        return True

    def sent_texts(self, chat_id: int | str | None = None) -> list[str]:
        """Texts of sendMessage calls, optionally to one chat."""
        return [str(c.params["text"]) for c in self.calls if c.method == "sendMessage"
                and (chat_id is None or str(c.params["chat_id"]) == str(chat_id))]

    async def wait_for(self, method: str, n: int, timeout: float = 5.0) -> None:
        """Wait until method was called n times."""
        async with asyncio.timeout(timeout):
            while sum(1 for c in self.calls if c.method == method) < n:
                self._arrived.clear()
                await self._arrived.wait()
