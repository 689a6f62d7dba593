"""The i-Voting calendar as stored (imported from a calendar file), and its reader."""

from __future__ import annotations

from typing import Any

from bot.ivoting.calendar import Period
from bot.storage import subscriptions
from bot.storage.models import IVotingPeriod


def _period(row: IVotingPeriod) -> Period:
    return Period(row.key, row.title, row.scope, row.opens, row.closes, row.how_to_vote,
                  row.eligibility, row.url, row.sample)


async def periods() -> list[Period]:
    """Every stored period, by opening time."""
    return [_period(r) for r in await IVotingPeriod.all().order_by("opens", "id")]


async def get(key: str) -> Period | None:
    """The stored period with this calendar id."""
    row = await IVotingPeriod.get_or_none(key=key)
    return None if row is None else _period(row)


async def upsert(p: Period) -> str:
    """Store a period: 'added', 'changed' (dates or text), or 'same'."""
    values: dict[str, Any] = {
        "title": p.title, "scope": p.scope, "opens": p.opens, "closes": p.closes,
        "how_to_vote": p.how_to_vote, "eligibility": p.eligibility, "url": p.url,
        "sample": p.sample}
    row = await IVotingPeriod.get_or_none(key=p.id)
    if row is None:
        await IVotingPeriod.create(key=p.id, **values)
        return "added"
    if _period(row) == p:
        return "same"
    await IVotingPeriod.filter(key=p.id).update(**values)
    return "changed"


async def remove(key: str) -> bool:
    """Delete a period (its reminders then find nothing to send)."""
    return bool(await IVotingPeriod.filter(key=key).delete())


class StoredIVoting:
    """IVotingReader over the database: the calendar and a user's subscriptions."""

    def __init__(self, replaces_faq: tuple[str, ...] = ()) -> None:
        self.replaces_faq = replaces_faq

    async def periods(self) -> list[Period]:
        """Every stored period, by opening time."""
        return await periods()

    async def subscriptions(self, platform: str, user_id: str) -> dict[str, tuple[str, ...]]:
        """topic -> scopes a user subscribed to."""
        return await subscriptions.of_user(platform, user_id)
