"""What the core needs from the outside, as protocols (adapters implement them)."""

from __future__ import annotations

from typing import Protocol

from bot.core.types import Incoming, Reply


class Pusher(Protocol):
    """Sends replies to a chat that did not just write to us (notices, reminders, relays).

    seed: a stable string per message, so a retry after a crash is not delivered twice (LINE's
    X-Line-Retry-Key is derived from it). thread_id: a forum topic (Telegram), reply_to: the
    message to answer (Telegram). Returns the platform's ids of the messages sent, in order
    (empty where the platform gives none).
    """

    async def push_replies(self, chat_id: str, replies: list[Reply], seed: str, /, *,
                           thread_id: str = "", reply_to: str = "") -> list[str]: ...


class TokenReplier(Protocol):
    """Answers with a reply handle an event carried (Incoming.reply_token: LINE's reply token,
    free where pushes cost quota)."""

    async def reply_with_token(self, token: str, replies: list[Reply], /) -> bool:
        """Send replies with the token; False when the platform no longer takes it (used or
        expired: push instead). Other failures raise DeliveryError."""
        ...


class ForumTopics(Protocol):
    """Forum groups (Telegram): one topic per conversation with a group."""

    async def is_forum(self, chat_id: str, /) -> bool:
        """Whether the group is a forum (has topics)."""
        ...

    async def create_topic(self, chat_id: str, name: str, /) -> str:
        """Create a topic (name cut to the platform's limit); return its thread id."""
        ...


class LocalChat(Protocol):
    """What the local web chat page needs from the running bot (bot.runtime provides it)."""

    def text(self, key: str) -> str:
        """A UI string (zh-TW)."""
        ...

    async def turn(self, msg: Incoming) -> list[Reply]:
        """Run one turn; the replies, after any messages pushed to this user meanwhile.
        Raises when the bot cannot answer (the database is down, a bug)."""
        ...

    def waiting(self, user_id: str) -> list[Reply]:
        """Messages pushed to a local user since the last call (reminders, staff replies)."""
        ...


class CommandMenus(Protocol):
    """A platform's command menu per chat (Telegram's setMyCommands with a chat scope)."""

    async def set_commands(self, commands: list[tuple[str, str]], chat_id: str = "", /
                           ) -> None:
        """Set the commands shown in chat_id (the default scope when empty)."""
