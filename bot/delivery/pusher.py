"""Single pushes (notices, reminders, relays) through the engine: `Services.pusher(platform)`.

Same Pusher protocol as the adapters, so callers need no change: the adapter underneath
already waits for the shared rate limits (its throttle); this adds the error handling: no
push to someone who unfollowed or blocked the bot, a 429 pauses the platform for every
process, and a recipient Telegram reports as gone is marked and never messaged again.
"""

from __future__ import annotations

from bot.core.errors import DeliveryError
from bot.core.ports import Pusher
from bot.core.types import Reply
from bot.delivery.limits import RateLimits
from bot.delivery.outcomes import after_failure, unreachable


class EnginePusher:
    """A platform's Pusher with the engine's error handling around it."""

    def __init__(self, platform: str, inner: Pusher, limits: RateLimits) -> None:
        self.platform = platform
        self.inner = inner
        self.limits = limits

    async def push_replies(self, chat_id: str, replies: list[Reply], seed: str, /, *,
                           thread_id: str = "", reply_to: str = "") -> list[str]:
        """Push replies; DeliveryError (permanent) when the recipient is known to be gone."""
        if await unreachable(self.platform, chat_id):
            raise DeliveryError("the recipient unfollowed or blocked the bot", permanent=True)
        try:
            return await self.inner.push_replies(chat_id, replies, seed, thread_id=thread_id,
                                                 reply_to=reply_to)
        except DeliveryError as exc:
            await after_failure(self.platform, chat_id, exc, self.limits)
            raise
