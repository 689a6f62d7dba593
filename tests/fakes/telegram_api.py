"""A fake Telegram Bot API on 127.0.0.1 that validates every call against api.json."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

from tests.fakes.limits import Windows, retry_after
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
    """getMe, webhooks, getUpdates (from a queue), sendMessage and friends; forum groups
    (getChat says is_forum, createForumTopic) with topics a volunteer may close (closed_threads:
    sending there fails like Telegram: "message thread not found"); knobs for failures, rate
    limits (429 with retry_after), blocked and missing chats, slowness."""

    calls: list[Call] = field(default_factory=list)
    forums: set[int] = field(default_factory=set)
    closed_threads: set[int] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    # Answers for the next calls, in order: an error ({error_code, description, ...}), or None.
    fail_next: list[dict[str, Any] | None] = field(default_factory=list)
    base_url: str = ""
    token: str = ""
    # sendMessage limits: "all", "chat" (a private chat), "group" -> (n, seconds)
    limits: dict[str, tuple[int, float]] = field(default_factory=dict)
    blocked: set[str] = field(default_factory=set)  # chats whose user blocked the bot
    missing: set[str] = field(default_factory=set)  # chats that do not exist
    delay: float = 0.0  # seconds before answering a sendMessage
    received: Counter[str] = field(default_factory=Counter)  # chat id -> messages accepted
    windows: Windows = field(default_factory=Windows)
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _message_id: int = 100
    _thread_id: int = 5000
    topics: dict[int, tuple[int, str]] = field(default_factory=dict)  # thread -> (chat, name)

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
        for name in ("text", "callback_query_id", "secret_token", "url", "name"):
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
        forum = self._forum_refusal(method, params)
        if forum:
            return web.json_response({"ok": False, "error_code": 400,
                                      "description": f"Bad Request: {forum}"}, status=400)
        if method == "sendMessage":
            refusal = await self._refusal(str(params["chat_id"]))
            if refusal is not None:
                return refusal
            self.received[str(params["chat_id"])] += 1
        self.calls.append(Call(method, params))
        self._arrived.set()
        return web.json_response({"ok": True, "result": await self._result(method, params)})

    def _forum_refusal(self, method: str, params: dict[str, Any]) -> str:
        """What Telegram refuses about forums: topics in a plain group, gone topics."""
        chat = int(params.get("chat_id", 0)) if str(params.get("chat_id", "")).lstrip(
            "-").isdigit() else 0
        if method == "createForumTopic" and chat not in self.forums:
            return "the chat is not a forum"
        thread = params.get("message_thread_id")
        if method == "sendMessage" and thread is not None and chat in self.forums and (
                thread in self.closed_threads or thread not in self.topics):
            return "message thread not found"
        return ""

    async def _refusal(self, chat: str) -> web.Response | None:
        """A sendMessage the real API would refuse: blocked, missing, or over a limit."""
        if self.delay:
            await asyncio.sleep(self.delay)
        if chat in self.blocked:
            return _error(403, "Forbidden: bot was blocked by the user")
        if chat in self.missing:
            return _error(400, "Bad Request: chat not found")
        scope = "group" if chat.startswith("-") else "chat"
        rules = [(key, *self.limits[name]) for key, name in ((f"{scope}:{chat}", scope),
                                                            ("all", "all"))
                 if name in self.limits]
        wait = self.windows.admit(rules)
        if wait:
            return _error(429, f"Too Many Requests: retry after {retry_after(wait)}",
                          {"retry_after": retry_after(wait)})
        return None

    async def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getChat":
            chat = int(params["chat_id"])
            return {"id": chat, "type": "supergroup" if chat < 0 else "private",
                    "title": "志工群組", "is_forum": chat in self.forums,
                    "accent_color_id": 0, "max_reaction_count": 11,
                    "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                            "unique_gifts": False,
                                            "premium_subscription": False,
                                            "gifts_from_channels": False}}
        if method == "createForumTopic":
            self._thread_id += 1
            self.topics[self._thread_id] = (int(params["chat_id"]), str(params["name"]))
            return {"message_thread_id": self._thread_id, "name": params["name"],
                    "icon_color": 7322096}
        if method == "getUpdates":
            updates, self._updates = self._updates, []
            return updates
        if method in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            if method == "sendMessage":
                self._message_id += 1
            to = params.get("chat_id")
            mid = self._message_id if method == "sendMessage" else params.get("message_id")
            sent = {"message_id": mid, "date": int(time.time()),
                    "chat": {"id": to, "type": "supergroup" if str(to).startswith("-")
                             else "private"},
                    "from": BOT_USER, "text": params.get("text", "")}
            if params.get("message_thread_id"):
                sent.update(message_thread_id=params["message_thread_id"], is_topic_message=True)
            return sent
        return True

    def commands(self, chat_id: int | str | None = None) -> list[str]:
        """The command names of the last setMyCommands for a chat scope (default scope when
        chat_id is None)."""
        for c in reversed(self.calls):
            scope = c.params.get("scope") or {"type": "default"}
            if c.method == "setMyCommands" and (
                    (chat_id is None and scope["type"] == "default")
                    or (scope["type"] == "chat" and str(scope["chat_id"]) == str(chat_id))):
                return [str(x["command"]) for x in c.params["commands"]]
        return []

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


def _error(code: int, description: str,
           parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)
