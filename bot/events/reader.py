"""What event handlers may read (through Deps); the dispatcher's effects do the writing."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.events.filters import Filter
from bot.events.view import EventView, RegistrationView

Mine = list[tuple[EventView, RegistrationView]]


class EventReader(Protocol):
    """Read-only event look-ups."""

    async def upcoming(self, now: datetime, wanted: Filter, limit: int,
                       offset: int = 0) -> tuple[list[EventView], int]: ...

    async def event(self, event_id: str) -> EventView | None: ...

    async def registration(self, reg_id: int) -> RegistrationView | None: ...

    async def registration_of(self, event_id: str, platform: str,
                              user_id: str) -> RegistrationView | None: ...

    async def of_user(self, platform: str, user_id: str, now: datetime) -> Mine: ...

    async def last_name(self, platform: str, user_id: str) -> str | None: ...

    async def attendees(self, event_id: str) -> list[RegistrationView]: ...

    async def by_code(self, code: str, now: datetime) -> Mine: ...

    async def for_staff(self, districts: frozenset[str], now: datetime) -> list[EventView]: ...

    async def chat_district(self, platform: str, chat_id: str) -> str | None: ...


class NoEvents:
    """A reader with nothing stored (for `run.py ask`, which has no database)."""

    async def upcoming(self, now: datetime, wanted: Filter, limit: int,
                       offset: int = 0) -> tuple[list[EventView], int]:
        """Nothing."""
        return [], 0

    async def event(self, event_id: str) -> EventView | None:
        """None."""
        return None

    async def registration(self, reg_id: int) -> RegistrationView | None:
        """None."""
        return None

    async def registration_of(self, event_id: str, platform: str,
                              user_id: str) -> RegistrationView | None:
        """None."""
        return None

    async def of_user(self, platform: str, user_id: str, now: datetime) -> Mine:
        """Nothing."""
        return []

    async def last_name(self, platform: str, user_id: str) -> str | None:
        """None."""
        return None

    async def attendees(self, event_id: str) -> list[RegistrationView]:
        """Nobody."""
        return []

    async def by_code(self, code: str, now: datetime) -> Mine:
        """Nothing."""
        return []

    async def for_staff(self, districts: frozenset[str], now: datetime) -> list[EventView]:
        """Nothing."""
        return []

    async def chat_district(self, platform: str, chat_id: str) -> str | None:
        """None."""
        return None
