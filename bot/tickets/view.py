"""Read-only views of tickets and the reader protocol handlers use (storage implements it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

OPEN, CLOSED = "open", "closed"


@dataclass(frozen=True)
class TicketView:
    """A ticket as handlers and renderers see it (no database row)."""

    ref: str
    platform: str
    chat_id: str
    user_id: str
    question: str
    district: str = ""
    locale: str = "zh-TW"
    status: str = OPEN
    guesses: tuple[str, ...] = ()
    claimed_by: str | None = None
    claimed_name: str = ""
    created_at: datetime | None = None
    claimed_at: datetime | None = None
    answered_at: datetime | None = None
    answers: int = 0  # volunteer answers so far
    thread_id: str | None = None
    card_id: str | None = None
    group_chat: str | None = None

    @property
    def is_open(self) -> bool:
        """Still open (not closed by anyone)."""
        return self.status == OPEN


@dataclass(frozen=True)
class GroupView:
    """The volunteers' group."""

    platform: str
    chat_id: str
    lang: str = "zh-TW"


@dataclass(frozen=True)
class Volunteer:
    """Someone with the volunteer role."""

    platform: str
    user_id: str
    name: str = ""


@dataclass(frozen=True)
class AnswerView:
    """A volunteer's answer as relayed (for ratings and FAQ suggestions)."""

    id: int
    ref: str
    text: str
    author_name: str = ""
    created_at: datetime | None = field(default=None, compare=False)


class TicketReader(Protocol):
    """Read-only look-ups for the hand-off handlers (effects do the writing)."""

    async def group(self) -> GroupView | None: ...

    async def volunteer(self, platform: str, user_id: str) -> Volunteer | None: ...

    async def by_ref(self, ref: str) -> TicketView | None: ...

    async def open_of(self, platform: str, chat_id: str, user_id: str) -> TicketView | None: ...

    async def in_group(self, chat_id: str, thread_id: str,
                       reply_to: str) -> TicketView | None: ...

    async def open_tickets(self, limit: int) -> list[TicketView]: ...

    async def answer(self, answer_id: int) -> AnswerView | None: ...

    async def answers(self, ref: str) -> list[AnswerView]: ...


class NoTickets:
    """A reader with nothing stored (`run.py ask` has no database)."""

    async def group(self) -> GroupView | None:
        """No group."""
        return None

    async def volunteer(self, platform: str, user_id: str) -> Volunteer | None:
        """Nobody."""
        return None

    async def by_ref(self, ref: str) -> TicketView | None:
        """None."""
        return None

    async def open_of(self, platform: str, chat_id: str, user_id: str) -> TicketView | None:
        """None."""
        return None

    async def in_group(self, chat_id: str, thread_id: str,
                       reply_to: str) -> TicketView | None:
        """None."""
        return None

    async def open_tickets(self, limit: int) -> list[TicketView]:
        """None."""
        return []

    async def answer(self, answer_id: int) -> AnswerView | None:
        """None."""
        return None

    async def answers(self, ref: str) -> list[AnswerView]:
        """None."""
        return []
