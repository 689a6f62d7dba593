"""The fake LINE API of bench/fault.py: counts each event's answers, and can fail as LINE does.

Like the real one where it matters: a reply token is single use (used again: 400 "Invalid
reply token") and expires TOKEN_LIFE seconds after its event was first posted; a push whose
X-Line-Retry-Key was accepted before answers 409 and is not shown again.

Two faults, each for a window of seconds: `down` (half the calls answer 500 at once, half
hang past the client's timeout and then answer 500; nothing is delivered) and `slow` (every
call is carried out at once but answered only `slow` seconds later, so a client that gives
up earlier never learns that its message went out).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter

from aiohttp import web

TOKEN_LIFE = 60.0


class FakeLine:
    """Counts each event's answers (reply by token, push by retry key); can go down or slow."""

    def __init__(self, events: dict[str, str], namespace: uuid.UUID) -> None:
        self.token_event = {token: key for key, token in events.items()}
        self.issued: dict[str, float] = {}
        self.key_event = {str(uuid.uuid5(namespace, f"{key}:0")): key for key in events}
        self.used_tokens: set[str] = set()
        self.used_keys: set[str] = set()
        self.answers: Counter[str] = Counter()
        self.by: Counter[str] = Counter()
        self.fault_until = 0.0
        self.slow = 0.0  # seconds before answering during the window; 0: down instead
        self.calls_down = self.late_answers = self.reused_tokens = 0

    def fault(self, seconds: float, slow: float = 0.0) -> None:
        """Start a fault window of `seconds`: down, or (slow > 0) answering late."""
        self.slow = slow
        self.fault_until = time.monotonic() + seconds

    async def handle(self, request: web.Request) -> web.Response:
        """reply or push, as LINE would carry it out right now."""
        data = await request.json()
        faulty = time.monotonic() < self.fault_until
        if faulty and not self.slow:
            return await self._down()
        if request.path.endswith("/reply"):
            answer = self._reply(data["replyToken"], data)
        else:
            answer = self._push(request.headers.get("X-Line-Retry-Key", ""), data)
        if faulty:  # carried out already; the answer comes too late for the client
            self.late_answers += 1
            await asyncio.sleep(self.slow)
        return answer

    async def _down(self) -> web.Response:
        self.calls_down += 1
        if self.calls_down % 2:  # a timeout: no answer before the client gives up
            await asyncio.sleep(max(0.0, self.fault_until - time.monotonic()) + 0.5)
        return web.json_response({"message": "Internal server error"}, status=500)

    def _reply(self, token: str, data: dict[str, object]) -> web.Response:
        expired = time.monotonic() - self.issued.get(token, 0.0) > TOKEN_LIFE
        if token in self.used_tokens or expired:
            self.reused_tokens += token in self.used_tokens
            return web.json_response({"message": "Invalid reply token"}, status=400)
        self.used_tokens.add(token)
        self._answered(self.token_event.get(token), "reply")
        return _sent(data)

    def _push(self, key: str, data: dict[str, object]) -> web.Response:
        if not key:
            return web.json_response({"message": "push without X-Line-Retry-Key"}, status=400)
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
        """Listen on 127.0.0.1:port."""
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
