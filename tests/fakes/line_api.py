"""A fake LINE Messaging API on 127.0.0.1 that validates every request against the spec.

Two servers, as LINE has two hosts: `base_url` (api.line.me: messages, profiles, rich menus)
and `data_base_url` (api-data.line.me: the rich menu image upload). A request sent to the
wrong one is refused like any other invalid request.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

from tests.fakes.limits import Windows
from tests.fakes.line_richmenus import RichMenus
from tests.fakes.server import serve
from tests.fakes.specs import validate_line_data_request, validate_line_request


@dataclass(frozen=True)
class Recorded:
    """One request the bot sent (`body`: the raw bytes of a binary upload)."""

    method: str
    path: str
    headers: dict[str, str]
    json: Any
    body: bytes = b""


@dataclass
class FakeLineApi:
    """reply / push / multicast / quota / profile / loading / rich menus; knobs for failures,
    expired tokens, rate limits (429), the month's quota (429 "monthly limit") and slowness."""

    requests: list[Recorded] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    invalid_reply_tokens: set[str] = field(default_factory=set)
    expire_all_reply_tokens: bool = False
    # Answers for the next requests, in order: status[, message], or None to answer normally.
    fail_next: list[int | tuple[int, str] | None] = field(default_factory=list)
    base_url: str = ""
    data_base_url: str = ""
    richmenus: RichMenus = field(default_factory=RichMenus)
    quota: int | None = None  # the month's message limit (None: no limit set)
    used: int = 0  # messages counted this month (pushes and multicasts, per recipient)
    limits: dict[str, tuple[int, float]] = field(default_factory=dict)  # path -> (n, seconds)
    delay: float = 0.0  # seconds before answering a send
    received: Counter[str] = field(default_factory=Counter)  # user id -> messages accepted
    conflicts: int = 0  # 409s answered (a retry key used again)
    windows: Windows = field(default_factory=Windows)
    _retry_keys: set[str] = field(default_factory=set)
    _runners: list[web.AppRunner] = field(default_factory=list)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def __aenter__(self) -> FakeLineApi:
        await self.start()
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        await self.stop()

    async def start(self) -> str:
        """Listen on two ephemeral ports (API and data hosts); return the API's base URL."""
        for handler in (self._handle, self._handle_data):
            app = web.Application(client_max_size=4 * 1024 * 1024)  # LINE's own limit is 1 MB
            app.router.add_route("*", "/{tail:.*}", handler)
            runner, url = await serve(app)
            self._runners.append(runner)
            if not self.base_url:
                self.base_url = url
            else:
                self.data_base_url = url
        return self.base_url

    async def stop(self) -> None:
        """Shut the servers down."""
        for runner in self._runners:
            await runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else None
        headers = dict(request.headers)
        problems = validate_line_request(request.method, request.path, body, headers)
        refused = self._refuse(problems)
        if refused is not None:
            return refused
        if "/richmenu" in request.path:
            self.requests.append(Recorded(request.method, request.path, headers, body))
            return self.richmenus.answer(request.method, request.path, body,
                                         lambda: f"richmenu-{next(self._ids):032x}")
        if self.delay and request.method == "POST":
            await asyncio.sleep(self.delay)
        limit = self.limits.get(request.path)
        if limit is not None and self.windows.over(request.path, *limit):
            return web.json_response({"message": "Too many requests"}, status=429)
        return self._answer(request.method, request.path, headers, body)

    async def _handle_data(self, request: web.Request) -> web.Response:
        raw = await request.read()
        headers = dict(request.headers)
        menu = self.richmenus.menu_of_content_path(request.path)
        problems = validate_line_data_request(request.method, request.path, raw, headers,
                                              menu)
        refused = self._refuse(problems)
        if refused is not None:
            return refused
        self.requests.append(Recorded(request.method, request.path, headers, None, raw))
        return self.richmenus.upload(request.path, headers.get("Content-Type", ""), raw)

    def _refuse(self, problems: list[str]) -> web.Response | None:
        if problems:
            self.errors.extend(problems)
            return web.json_response({"message": "The request body has 1 error(s)",
                                      "details": [{"message": p} for p in problems]}, status=400)
        fail = self.fail_next.pop(0) if self.fail_next else None
        if fail is not None:
            status, message = fail if isinstance(fail, tuple) else (fail, "fail")
            return web.json_response({"message": message}, status=status)
        return None

    def _answer(self, method: str, path: str, headers: dict[str, str], body: Any
                ) -> web.Response:
        if path == "/v2/bot/message/quota":
            limited = {"type": "limited", "value": self.quota}
            return web.json_response(limited if self.quota is not None else {"type": "none"})
        if path == "/v2/bot/message/quota/consumption":
            return web.json_response({"totalUsage": self.used})
        if path == "/v2/bot/message/reply":
            token = body["replyToken"]
            if self.expire_all_reply_tokens or token in self.invalid_reply_tokens:
                return web.json_response({"message": "Invalid reply token"}, status=400)
            self.invalid_reply_tokens.add(token)  # single use
        key = headers.get("X-Line-Retry-Key")
        if key is not None and key in self._retry_keys:
            self.conflicts += 1
            return web.json_response({"message": "The retry key is already accepted"},
                                     status=409, headers={"x-line-accepted-request-id": "r"})
        to = (body or {}).get("to") if path != "/v2/bot/message/reply" else None
        users = [] if to is None else (to if isinstance(to, list) else [to])
        if self.quota is not None and self.used + len(users) > self.quota:
            return web.json_response({"message": "You have reached your monthly limit."},
                                     status=429)
        if key is not None:
            self._retry_keys.add(key)
        self.used += len(users)
        self.received.update(users)
        self.requests.append(Recorded(method, path, headers, body))
        self._arrived.set()
        if path == "/v2/bot/chat/loading/start":
            return web.json_response({}, status=202)
        if path.startswith("/v2/bot/profile/"):
            return web.json_response({"userId": path.rsplit("/", 1)[1], "displayName": "測試"})
        sent = [{"id": str(len(self.requests)), "quoteToken": "q"}
                for _ in (body or {}).get("messages", [])]
        return web.json_response({"sentMessages": sent} if "messages" in (body or {}) else {})

    def delivered_texts(self, to: str | None = None) -> list[str]:
        """Texts of accepted reply/push/multicast messages (push/multicast filtered by to)."""
        texts = []
        for req in self.requests:
            target = (req.json or {}).get("to")
            if to is not None and target != to and not (isinstance(target, list)
                                                        and to in target):
                continue
            texts += [message_text(m) for m in (req.json or {}).get("messages", [])]
        return texts

    def loading(self) -> list[dict[str, Any]]:
        """The bodies of accepted loading-animation requests, in order."""
        return [r.json for r in self.requests if r.path == "/v2/bot/chat/loading/start"]

    def replies(self) -> list[Recorded]:
        """Accepted reply requests (free), in order."""
        return [r for r in self.requests if r.path == "/v2/bot/message/reply"]

    def pushes(self, to: str | None = None) -> list[Recorded]:
        """Accepted push requests (they cost quota), optionally to one user."""
        return [r for r in self.requests if r.path == "/v2/bot/message/push"
                and (to is None or r.json["to"] == to)]

    def actions(self, index: int = -1) -> list[dict[str, Any]]:
        """Every action of one accepted request (the last by default): quick replies and
        Flex buttons, in order."""
        found: list[dict[str, Any]] = []
        for message in (self.requests[index].json or {}).get("messages", []):
            found += _actions(message.get("contents"))
            found += [i["action"] for i in (message.get("quickReply") or {}).get("items", [])]
        return found

    async def wait_for(self, n_requests: int, timeout: float = 5.0) -> None:
        """Wait until n accepted requests have arrived."""
        async with asyncio.timeout(timeout):
            while len(self.requests) < n_requests:
                self._arrived.clear()
                await self._arrived.wait()


def message_text(message: dict[str, Any]) -> str:
    """A message's text; a Flex message's text components, one per line."""
    if message.get("type") != "flex":
        return str(message.get("text", ""))
    return "\n".join(_texts(message.get("contents")))


def _texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [str(node["text"])] if node.get("type") == "text" and "text" in node else []
        return own + [t for k, v in node.items() if k != "action" for t in _texts(v)]
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    return []


def _actions(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        own = [node["action"]] if node.get("type") == "button" else []
        return own + [a for k, v in node.items() if k != "action" for a in _actions(v)]
    if isinstance(node, list):
        return [a for item in node for a in _actions(item)]
    return []
