"""The volunteers' group, who may answer, and FAQ suggestions waiting for staff review."""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError

from bot.storage.console import end_sessions_without_role
from bot.storage.models import FaqSuggestion, VolunteerGroup, VolunteerRole
from bot.tickets.view import GroupView, Volunteer

GROUP_KEY = "volunteers"


async def set_group(platform: str, chat_id: str, lang: str = "zh-TW") -> None:
    """Make chat the volunteers' group (replacing any earlier one), in this language."""
    updated = await VolunteerGroup.filter(key=GROUP_KEY).update(platform=platform,
                                                                chat_id=chat_id, lang=lang)
    if not updated:
        await VolunteerGroup.create(key=GROUP_KEY, platform=platform, chat_id=chat_id,
                                    lang=lang)


async def group() -> GroupView | None:
    """The volunteers' group, if one is configured."""
    row = await VolunteerGroup.get_or_none(key=GROUP_KEY)
    return GroupView(row.platform, row.chat_id, row.lang) if row else None


async def add(platform: str, user_id: str, name: str = "") -> bool:
    """Give someone the volunteer role; False when they had it (the name is updated)."""
    try:
        await VolunteerRole.create(platform=platform, user_id=user_id, name=name[:64])
    except IntegrityError:
        if name:
            await VolunteerRole.filter(platform=platform, user_id=user_id).update(name=name[:64])
        return False
    return True


async def remove(platform: str, user_id: str) -> int:
    """Take the role away (the console's sessions end unless a staff role is left)."""
    removed = await VolunteerRole.filter(platform=platform, user_id=user_id).delete()
    await end_sessions_without_role(platform, user_id)
    return removed


async def everyone() -> list[Volunteer]:
    """Every volunteer, by platform and user id."""
    rows = await VolunteerRole.all().order_by("platform", "user_id")
    return [Volunteer(r.platform, r.user_id, r.name) for r in rows]


async def one(platform: str, user_id: str) -> Volunteer | None:
    """The volunteer, if this person is one."""
    row = await VolunteerRole.get_or_none(platform=platform, user_id=user_id)
    return Volunteer(row.platform, row.user_id, row.name) if row else None


async def suggest(ticket_ref: str, question: str, answer: str, by: str, *,
                  written: bool = False) -> bool:
    """Store a suggested FAQ entry from a ticket; False when that ticket has one already.
    written: the volunteer wrote question and answer (older rows hold a resident's words)."""
    try:
        await FaqSuggestion.create(ticket_ref=ticket_ref, question=question[:500],
                                   answer=answer, suggested_by=by[:80], written=written)
    except IntegrityError:
        return False
    return True


async def suggestions(status: str | None = "pending") -> list[FaqSuggestion]:
    """Suggestions (pending by default; every one with None), oldest first."""
    query = FaqSuggestion.all() if status is None else FaqSuggestion.filter(status=status)
    return await query.order_by("id")


async def suggestion(suggestion_id: int) -> FaqSuggestion | None:
    """One suggestion."""
    return await FaqSuggestion.get_or_none(id=suggestion_id)


async def decide(suggestion_id: int, status: str, faq_id: str | None = None) -> bool:
    """Accept or reject a pending suggestion; False when it was decided already."""
    updated = await FaqSuggestion.filter(id=suggestion_id, status="pending").update(
        status=status, faq_id=faq_id, decided_at=datetime.now(UTC))
    return bool(updated)
