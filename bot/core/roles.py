"""Which role a group chat plays (a district office's staff chat, the volunteers' group) and
the language it was set to: read once per turn, so a chat's language is set, never guessed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

STAFF, VOLUNTEERS = "staff", "volunteers"


@dataclass(frozen=True)
class ChatRole:
    """A configured group: kind (staff | volunteers), its districts (staff) and language."""

    kind: str
    lang: str = "zh-TW"
    districts: tuple[str, ...] = ()


class ChatReader(Protocol):
    """Read-only: the role of a chat, None for residents' chats and unknown groups."""

    async def role_of(self, platform: str, chat_id: str) -> ChatRole | None: ...


class NoChats:
    """No configured groups (for `run.py ask`, which has no database)."""

    async def role_of(self, platform: str, chat_id: str) -> ChatRole | None:
        """None."""
        return None
