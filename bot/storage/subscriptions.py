"""Residents' opt-ins: i-Voting reminders and district news (topic, scope per user)."""

from __future__ import annotations

from bot.storage.models import Subscription

CITYWIDE = "全市"
TOPICS = ("ivoting", "news")


async def add(platform: str, user_id: str, topic: str, scope: str, locale: str = "zh-TW") -> None:
    """Subscribe (again): idempotent; the language of the latest opt-in is kept."""
    updated = await Subscription.filter(platform=platform, user_id=user_id, topic=topic,
                                        scope=scope).update(locale=locale[:8])
    if not updated:
        row = Subscription(platform=platform, user_id=user_id, topic=topic, scope=scope,
                           locale=locale[:8])
        await Subscription.bulk_create([row], ignore_conflicts=True)


async def remove(platform: str, user_id: str, topic: str, scope: str | None = None) -> int:
    """Unsubscribe from one scope of a topic (every scope when None); how many were removed."""
    query = Subscription.filter(platform=platform, user_id=user_id, topic=topic)
    if scope is not None:
        query = query.filter(scope=scope)
    return await query.delete()


async def of_user(platform: str, user_id: str) -> dict[str, tuple[str, ...]]:
    """topic -> the scopes a user subscribed to, in the order they did."""
    rows = await Subscription.filter(platform=platform, user_id=user_id).order_by("id")
    found: dict[str, tuple[str, ...]] = {}
    for row in rows:
        found[row.topic] = (*found.get(row.topic, ()), row.scope)
    return found


async def audience(topic: str, scopes: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(platform, user_id, locale) of everyone subscribed to any of scopes of topic."""
    rows = await Subscription.filter(topic=topic, scope__in=list(scopes)).order_by("id") \
        .values_list("platform", "user_id", "locale")
    return [(str(p), str(u), str(loc)) for p, u, loc in rows]


async def count_of_user(platform: str, user_id: str) -> dict[str, int]:
    """「我的資料」: how many i-Voting and news subscriptions a user has."""
    mine = await of_user(platform, user_id)
    return {f"{topic}_subscriptions": len(mine.get(topic, ())) for topic in TOPICS}


async def forget_user(platform: str, user_id: str) -> None:
    """Delete every subscription of a user."""
    await Subscription.filter(platform=platform, user_id=user_id).delete()


async def ivoting_all() -> list[tuple[str, str, str]]:
    """Every i-Voting subscriber, whatever scope they chose."""
    scopes = await Subscription.filter(topic="ivoting").distinct().values_list("scope", flat=True)
    return await audience("ivoting", tuple(str(s) for s in scopes))
