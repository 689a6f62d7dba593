"""What the i-Voting and news flows read through Deps: the calendar and a user's opt-ins."""

from __future__ import annotations

from typing import Protocol

from bot.ivoting.calendar import Period


class IVotingReader(Protocol):
    """Read-only: the stored calendar, the FAQ entries it answers, a user's subscriptions."""

    replaces_faq: tuple[str, ...]

    async def periods(self) -> list[Period]: ...

    async def subscriptions(self, platform: str, user_id: str) -> dict[str, tuple[str, ...]]: ...


class NoIVoting:
    """No calendar and no subscriptions (for `run.py ask`, which has no database)."""

    replaces_faq: tuple[str, ...] = ()

    async def periods(self) -> list[Period]:
        """No periods."""
        return []

    async def subscriptions(self, platform: str, user_id: str) -> dict[str, tuple[str, ...]]:
        """None."""
        return {}


class FixedCalendar:
    """Periods read once (for `run.py ask`: the stored calendar, no subscriptions)."""

    def __init__(self, periods: list[Period], replaces_faq: tuple[str, ...]) -> None:
        self._periods = list(periods)
        self.replaces_faq = replaces_faq

    async def periods(self) -> list[Period]:
        """The periods read at start."""
        return list(self._periods)

    async def subscriptions(self, platform: str, user_id: str) -> dict[str, tuple[str, ...]]:
        """None."""
        return {}
