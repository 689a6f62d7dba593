"""A conversation driver for tests: send text or press buttons, read the replies."""

from __future__ import annotations

import functools

from bot.adapters.common import reply_text
from bot.common.settings import load_settings
from bot.core.types import Choice, Incoming, Reply, buttons_of
from bot.handlers.deps import Deps
from bot.runtime.dispatcher import Dispatcher
from bot.runtime.services import build_deps


@functools.cache
def shared_deps() -> Deps:
    """Content and understander, built once per test session (jieba start-up is slow)."""
    return build_deps(load_settings())


class Chat:
    """One user talking to the dispatcher through the local platform."""

    def __init__(self, dispatcher: Dispatcher, user: str = "tester01") -> None:
        self.dispatcher = dispatcher
        self.user = user
        self.replies: tuple[Reply, ...] = ()
        self.meta: dict[str, object] = {}

    @property
    def text(self) -> str:
        """All reply texts of the last turn, joined."""
        return "\n".join(reply_text(r) for r in self.replies)

    @property
    def choices(self) -> list[Choice]:
        """Every button of the last turn."""
        return [c for r in self.replies for c in buttons_of(r)]

    async def _turn(self, **kwargs: str) -> str:
        msg = Incoming(platform="local", chat_id=self.user, user_id=self.user, **kwargs)  # type: ignore[arg-type]
        outcome = await self.dispatcher.turn(msg)
        self.replies, self.meta = outcome.replies, outcome.meta
        return self.text

    async def send(self, text: str) -> str:
        """Type text; return the reply text."""
        return await self._turn(kind="text", text=text)

    async def follow(self) -> str:
        """Add the bot as a friend."""
        return await self._turn(kind="follow")

    async def press(self, label: str) -> str:
        """Press the button of the last turn whose label contains label."""
        matches = [c for c in self.choices if label in c.label]
        assert matches, f"no button {label!r} in {[c.label for c in self.choices]}"
        return await self.press_payload(matches[0].payload)

    async def press_payload(self, payload: str) -> str:
        """Press a button by its raw payload (e.g. one kept from an older turn)."""
        return await self._turn(kind="postback", payload=payload)
