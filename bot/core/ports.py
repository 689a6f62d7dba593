"""What the core needs from the outside, as protocols (adapters implement them)."""

from __future__ import annotations

from typing import Protocol

from bot.core.types import Reply


class Pusher(Protocol):
    """Sends replies to a chat that did not just write to us (notices, reminders, relays).

    seed: a stable string per message, so a retry after a crash is not delivered twice (LINE's
    X-Line-Retry-Key is derived from it). thread_id: a forum topic (Telegram), reply_to: the
    message to answer (Telegram). Returns the platform's ids of the messages sent, in order
    (empty where the platform gives none).
    """

    async def push_replies(self, chat_id: str, replies: list[Reply], seed: str, /, *,
                           thread_id: str = "", reply_to: str = "") -> list[str]: ...
