"""Which limits a send waits for, per platform and kind of send (the adapters' Throttle)."""

from __future__ import annotations

from bot.common.settings import Settings
from bot.delivery.limits import Limit, RateLimits


def limits_from(settings: Settings) -> RateLimits:
    """The shared rate limits these settings describe (Redis when REDIS_URL is set)."""
    return RateLimits({
        "line_push": Limit(settings.line_push_per_second, 1),
        "line_multicast": Limit(settings.line_multicast_per_second, 1),
        "tg_all": Limit(settings.telegram_per_second, 1),
        "tg_chat": Limit(settings.telegram_chat_per_second, 1),
        # A staff group talks in bursts (a card, answers to clerks): up to half at once.
        "tg_group": Limit(settings.telegram_group_per_minute, 60,
                          burst=max(1, settings.telegram_group_per_minute // 2)),
    }, redis_url=settings.redis_url, prefix=settings.redis_key_prefix)


def is_group(chat_id: str) -> bool:
    """Telegram groups, supergroups and channels have negative ids."""
    return chat_id.startswith("-")


class Pacer:
    """The Throttle adapters call before each platform request."""

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits

    async def __call__(self, pace: str, chat_id: str) -> None:
        """Wait for a pause to end, then for every limit this send counts against."""
        if pace.startswith("line_"):
            await self.limits.wait_unpaused("line")
            await self.limits.take(pace)
            return
        await self.limits.wait_unpaused("telegram")
        if is_group(chat_id):
            await self.limits.take("tg_group", chat_id)
        elif pace == "tg_push":  # answers may come in a quick burst of two or three
            await self.limits.take("tg_chat", chat_id)
        await self.limits.take("tg_all")
