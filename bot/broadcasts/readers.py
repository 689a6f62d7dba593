"""What the staff's /broadcast flow reads through Deps: the staff chat's district and the
preview (audience sizes, LINE cost, the quota left)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from bot.core.types import Reply
from bot.delivery.ports import Quota
from bot.delivery.quiet import QuietHours


@dataclass(frozen=True)
class Preview:
    """What a broadcast would do: recipients per platform, LINE cost and the quota left."""

    audience: str
    sizes: dict[str, int] = field(default_factory=dict)
    line_cost: int = 0
    quota: Quota | None = None  # None: LINE is off here, or it did not answer
    quota_error: str = ""
    booked: int = 0  # LINE messages broadcasts already scheduled will use this month
    event: EventInfo | None = None  # the event an event audience names

    @property
    def remaining(self) -> int | None:
        """LINE messages left this month once the scheduled broadcasts have gone (None: no
        limit, or unknown)."""
        left = self.quota.remaining if self.quota is not None else None
        return None if left is None else max(left - self.booked, 0)

    @property
    def total(self) -> int:
        """Every recipient."""
        return sum(self.sizes.values())

    @property
    def over_quota(self) -> bool:
        """True when the broadcast needs more LINE messages than are left this month."""
        left = self.remaining
        return left is not None and self.line_cost > left


@dataclass(frozen=True)
class EventInfo:
    """An event an audience names: its title and start, shown instead of its id."""

    id: str
    title: str
    starts: datetime


@dataclass(frozen=True)
class CastView:
    """A broadcast as /broadcasts lists it."""

    id: int
    status: str
    audience: str
    district: str
    run_at: datetime
    urgent: bool
    total: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    event: EventInfo | None = None


class BroadcastReader(Protocol):
    """Read-only look-ups for composing a broadcast, and the quiet hours in force."""

    quiet: QuietHours

    async def district_of_chat(self, platform: str, chat_id: str) -> str | None: ...

    async def preview(self, audience: str, replies: list[Reply]) -> Preview: ...

    async def recent(self, districts: frozenset[str] | None, limit: int) -> list[CastView]: ...

    async def cast(self, cast_id: int) -> CastView | None: ...


class NoBroadcasts:
    """No staff chats and nobody to send to (for `run.py ask`)."""

    quiet = QuietHours()

    async def district_of_chat(self, platform: str, chat_id: str) -> str | None:
        """None."""
        return None

    async def preview(self, audience: str, replies: list[Reply]) -> Preview:
        """An empty audience."""
        return Preview(audience)

    async def recent(self, districts: frozenset[str] | None, limit: int) -> list[CastView]:
        """None."""
        return []

    async def cast(self, cast_id: int) -> CastView | None:
        """None."""
        return None
