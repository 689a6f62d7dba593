"""Members (follow state), feedback and unanswered questions; what a user may see and delete."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError

from bot.proposals.dates import local_date
from bot.storage import conversations, events, events_seats, proposals, subscriptions, tickets
from bot.storage.models import Feedback, Member, Unanswered
from bot.text import scrub


async def ensure_member(platform: str, user_id: str) -> None:
    """Create the member row on first contact."""
    with contextlib.suppress(IntegrityError):  # another worker created it first
        await Member.get_or_create(platform=platform, user_id=user_id)


async def ensure_members(keys: set[tuple[str, str]]) -> None:
    """Create the member rows of several (platform, user_id) at once; existing ones stay."""
    if keys:
        # Sorted: two workers inserting overlapping sets lock them in the same order.
        await Member.bulk_create([Member(platform=p, user_id=u) for p, u in sorted(keys)],
                                 ignore_conflicts=True)


async def set_followed(platform: str, user_id: str, followed: bool) -> None:
    """Mark a member as following (or not); an unfollowed member gets no pushes."""
    await ensure_member(platform, user_id)
    await Member.filter(platform=platform, user_id=user_id).update(followed=followed)


async def log_unanswered(text: str, reason: str, lang: str, faq_id: str | None = None) -> None:
    """Keep a question the bot could not answer, scrubbed of personal data."""
    await log_unanswered_many([(text, reason, lang, faq_id)])


async def log_unanswered_many(items: list[tuple[str, str, str, str | None]]) -> None:
    """As log_unanswered for many (text, reason, lang, faq_id), with one statement."""
    if items:
        await Unanswered.bulk_create([Unanswered(text=scrub(text), reason=reason, lang=lang,
                                                 faq_id=faq_id)
                                      for text, reason, lang, faq_id in items])


async def record_feedback(platform: str, user_id: str, faq_id: str, helpful: bool) -> None:
    """Store (or change) a user's 👍/👎 on an entry."""
    updated = await Feedback.filter(platform=platform, user_id=user_id, faq_id=faq_id).update(
        helpful=helpful
    )
    if not updated:
        with contextlib.suppress(IntegrityError):  # a double tap raced us: the first counts
            await Feedback.create(platform=platform, user_id=user_id, faq_id=faq_id,
                                  helpful=helpful)


@dataclass(frozen=True)
class PersonalData:
    """What one feature stores about a user: counts per item name, and how to delete it all."""

    count: Callable[[str, str], Awaitable[dict[str, int]]]
    delete: Callable[[str, str], Awaitable[None]]


async def _feedback_count(platform: str, user_id: str) -> dict[str, int]:
    return {"feedback": await Feedback.filter(platform=platform, user_id=user_id).count()}


async def _feedback_delete(platform: str, user_id: str) -> None:
    await Feedback.filter(platform=platform, user_id=user_id).delete()


# Every feature that stores something about a user adds one line here: 「我的資料」 lists each
# item it counts (content key mydata.item.<name>) and deleting deletes them all.
PERSONAL_DATA: tuple[PersonalData, ...] = (
    PersonalData(_feedback_count, _feedback_delete),
    PersonalData(proposals.count_of_user, proposals.forget_user),
    PersonalData(tickets.count_of_user, tickets.forget_user),
    PersonalData(events.count_of_user, events_seats.forget_user),
    PersonalData(subscriptions.count_of_user, subscriptions.forget_user),
)


async def my_data(platform: str, user_id: str) -> dict[str, Any] | None:
    """Everything stored about a user, for the user to see; None when nothing is.

    Keys: platform, first_seen (YYYY-MM-DD in Taipei), followed, and one count per item name."""
    member = await Member.get_or_none(platform=platform, user_id=user_id)
    if member is None:
        return None
    data: dict[str, Any] = {"platform": platform, "followed": member.followed,
                            "first_seen": local_date(member.first_seen)}  # a Taipei date
    for part in PERSONAL_DATA:
        data.update(await part.count(platform, user_id))
    return data


async def delete_user(platform: str, user_id: str) -> None:
    """Delete every row tied to a user on a platform."""
    for part in PERSONAL_DATA:
        await part.delete(platform, user_id)
    await conversations.delete_user(platform, user_id)
    await Member.filter(platform=platform, user_id=user_id).delete()
