"""A fake LINE Messaging API on 127.0.0.1 that validates every request against the spec."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

from tests.fakes.server import serve
from tests.fakes.specs import validate_line_request


@dataclass(frozen=True)
class Recorded:
    """One request the bot sent."""

    method: str
    path: str
    headers: dict[str, str]
    json: Any


@dataclass
class FakeLineApi:
    """reply / push / multicast / profile / loading; knobs for failures and expired tokens."""

    requests: list[Recorded] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    invalid_reply_tokens: set[str] = field(default_factory=set)
    expire_all_reply_tokens: bool = False
    # Answers for the next requests, in order: status[, message], or None to answer normally.
    fail_next: list[int | tuple[int, str] | None] = field(default_factory=list)
    base_url: str = ""
    _retry_keys: set[str] = field(default_factory=set)
    _runner: web.AppRunner | None = None
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def __aenter__(self) -> FakeLineApi:
        await self.start()
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        await self.stop()

    async def start(self) -> str:
        """Listen on an ephemeral port; return the base URL for Configuration(host=...)."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner, self.base_url = await serve(app)
        return self.base_url

    async def stop(self) -> None:
        """Shut the server down."""
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else None
        headers = dict(request.headers)
        problems = validate_line_request(request.method, request.path, body, headers)
        if problems:
            self.errors.extend(problems)
            return web.json_response({"message": "The request body has 1 error(s)",
                                      "details": [{"message": p} for p in problems]}, status=400)
        fail = self.fail_next.pop(0) if self.fail_next else None
        if fail is not None:
            status, message = fail if isinstance(fail, tuple) else (fail, "fail")
            return web.json_response({"message": message}, status=status)
        return self._answer(request.method, request.path, headers, body)

    def _answer(self, method: str, path: str, headers: dict[str, str], body: Any
                ) -> web.Response:
        if path == "/v2/bot/message/reply":
            token = body["replyToken"]
            if self.expire_all_reply_tokens or token in self.invalid_reply_tokens:
                return web.json_response({"message": "Invalid reply token"}, status=400)
            self.invalid_reply_tokens.add(token)  # single use
        key = headers.get("X-Line-Retry-Key")
        if key is not None:
            if key in self._retry_keys:
                return web.json_response({"message": "The retry key is already accepted"},
                                         status=409, headers={"x-line-accepted-request-id": "r"})
            self._retry_keys.add(key)
        self.requests.append(Recorded(method, path, headers, body))
        self._arrived.set()
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
