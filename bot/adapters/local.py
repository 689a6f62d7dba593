"""The local platform's outbox: pushes for local users wait here until the page asks."""

from __future__ import annotations

from collections import defaultdict, deque

from bot.core.types import Reply

MAX_WAITING = 50


class LocalOutbox:
    """In-memory pushes per local user (the local chat is one process by design)."""

    platform = "local"

    def __init__(self) -> None:
        self._waiting: dict[str, deque[Reply]] = defaultdict(lambda: deque(maxlen=MAX_WAITING))

    async def push_replies(self, chat_id: str, replies: list[Reply], seed: str, /, *,
                           thread_id: str = "", reply_to: str = "") -> list[str]:
        """Keep replies for the user until fetched (no message ids here)."""
        self._waiting[chat_id].extend(replies)
        return []

    def take(self, chat_id: str) -> list[Reply]:
        """Everything waiting for the user, oldest first; empties the queue."""
        queue = self._waiting.pop(chat_id, None)
        return list(queue) if queue else []
