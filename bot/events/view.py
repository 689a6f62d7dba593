"""Read-only views of stored events and registrations, as handlers, jobs and pages see them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class EventView:
    """One event with its current counts."""

    id: str
    kind: str
    title: str
    district: str
    starts: datetime
    ends: datetime
    place: str
    capacity: int
    host: str
    summary: str
    for_whom: str
    bring: str = ""
    signup_closes: datetime | None = None
    url: str = ""
    needs_phone: bool = False
    status: str = "scheduled"
    version: int = 1
    registered: int = 0
    offered: int = 0
    waiting: int = 0
    checked_in: int = 0

    @property
    def seats_left(self) -> int:
        """Seats neither taken nor held for someone offered one."""
        return max(0, self.capacity - self.registered - self.offered)


@dataclass(frozen=True)
class RegistrationView:
    """A resident's registration: a seat, a place in line, or a seat held for them."""

    id: int
    event_id: str
    platform: str
    user_id: str
    chat_id: str
    status: str  # registered | waiting | offered
    code: str
    token: str
    name: str
    phone: str | None = None
    locale: str = "zh-TW"
    offer_until: datetime | None = None
    checked_in_at: datetime | None = None
    checked_in_by: str | None = None
    created_at: datetime | None = None
    place: int = 0  # place in the waiting list (waiting only), 1 = next
