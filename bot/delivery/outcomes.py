"""What a platform failure means for a recipient and for the platform (shared by the batch
engine and the single-push path)."""

from __future__ import annotations

from bot.core.errors import DeliveryError
from bot.delivery.limits import RateLimits
from bot.storage.models import Member

BLOCKED_WORDS = ("blocked", "deactivated", "kicked")
NOT_FOUND_WORDS = ("chat not found", "user not found")  # not "message thread not found"
DEFAULT_PAUSE = 1.0  # LINE's 429 carries no Retry-After


def gone_reason(platform: str, exc: DeliveryError) -> str | None:
    """'blocked' or 'not_found' when the recipient can never be reached, else None.

    Telegram says so in words (403 blocked or deactivated; 400 chat not found). LINE reports
    a blocked friend as an unfollow event instead, so its errors never mark a recipient.
    """
    if platform != "telegram" or not exc.permanent:
        return None
    reason = exc.reason.lower()
    if exc.status == 403 or any(w in reason for w in BLOCKED_WORDS):
        return "blocked"
    if any(w in reason for w in NOT_FOUND_WORDS):
        return "not_found"
    return None


async def mark_gone(platform: str, user_id: str) -> None:
    """Never message this user again (until they write to the bot again)."""
    await Member.filter(platform=platform, user_id=user_id).update(followed=False)


async def unreachable(platform: str, user_id: str) -> bool:
    """True when the user unfollowed or blocked the bot."""
    return await Member.filter(platform=platform, user_id=user_id, followed=False).exists()


async def after_failure(platform: str, chat_id: str, exc: DeliveryError,
                        limits: RateLimits) -> str | None:
    """Pause the platform on a rate-limit 429 and mark a recipient who is gone; the reason
    the recipient is gone, if so."""
    if exc.status == 429 and not exc.quota:
        await limits.pause(platform, exc.retry_after or DEFAULT_PAUSE)
    gone = gone_reason(platform, exc)
    if gone is not None:
        await mark_gone(platform, chat_id)
    return gone
