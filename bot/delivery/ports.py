"""What the engine needs from platform adapters (LINE multicast and quota), and the pacing hook
adapters call before each send."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from bot.core.types import Reply

# Called by an adapter before each platform call: (pace, chat_id). Paces: line_push,
# line_multicast, tg_push (a message nobody asked for just now), tg_answer (a reply to a user).
Throttle = Callable[[str, str], Awaitable[None]]


async def no_throttle(pace: str, chat_id: str) -> None:
    """The default pacing: none (adapters used alone, e.g. in `run.py ask`)."""


@dataclass(frozen=True)
class Quota:
    """LINE's message quota this month: limit None = no limit set; used = messages sent."""

    limit: int | None
    used: int

    @property
    def remaining(self) -> int | None:
        """Messages left this month (None when there is no limit)."""
        return None if self.limit is None else max(self.limit - self.used, 0)


class Multicaster(Protocol):
    """Sends one message to many users at once (LINE multicast) and reads the month's quota."""

    async def multicast(self, user_ids: list[str], replies: list[Reply],
                        retry_key: str) -> None: ...

    async def quota(self) -> Quota: ...

    def requests_for(self, replies: list[Reply]) -> int: ...
