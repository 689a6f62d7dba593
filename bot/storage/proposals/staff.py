"""Staff roles per district and each district's staff chat."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

from bot.proposals.view import ALL_DISTRICTS
from bot.storage.console import end_sessions_without_role
from bot.storage.models import DistrictChat, Proposal, StaffRole

ALL = ALL_DISTRICTS


async def add_role(platform: str, user_id: str, district: str) -> bool:
    """Give a person a role for a district ('*': all); False when they had it already."""
    try:
        await StaffRole.create(platform=platform, user_id=user_id, district=district)
    except IntegrityError:
        return False
    return True


async def remove_role(platform: str, user_id: str, district: str | None = None) -> int:
    """Remove a person's role for a district (every role when district is None)."""
    query = StaffRole.filter(platform=platform, user_id=user_id)
    if district is not None:
        query = query.filter(district=district)
    removed = await query.delete()
    await end_sessions_without_role(platform, user_id)  # the console's sessions end with it
    return removed


async def roles() -> list[StaffRole]:
    """Every role, by platform, district and user."""
    return await StaffRole.all().order_by("platform", "district", "user_id")


async def districts_of(platform: str, user_id: str) -> frozenset[str]:
    """The districts a person may act for ('*' included when they may act for all)."""
    rows = await StaffRole.filter(platform=platform, user_id=user_id).values_list(
        "district", flat=True)
    return frozenset(str(d) for d in rows)


async def set_chat(district: str, platform: str, chat_id: str, lang: str = "zh-TW") -> None:
    """Make chat the district's staff chat (replacing any earlier one), in this language."""
    updated = await DistrictChat.filter(district=district).update(platform=platform,
                                                                  chat_id=chat_id, lang=lang)
    if not updated:
        await DistrictChat.create(district=district, platform=platform, chat_id=chat_id,
                                  lang=lang)


async def chat_of(district: str) -> DistrictChat | None:
    """The district's staff chat, if one is configured."""
    return await DistrictChat.get_or_none(district=district)


async def chats() -> list[DistrictChat]:
    """Every configured staff chat."""
    return await DistrictChat.all().order_by("district")


async def waiting_without_chat() -> list[tuple[str, int]]:
    """(district, proposals waiting) for districts with submitted proposals and no chat."""
    have = set(await DistrictChat.all().values_list("district", flat=True))
    rows = await Proposal.filter(status="submitted").values_list("district", flat=True)
    counts: dict[str, int] = {}
    for district in rows:
        if district not in have:
            counts[str(district)] = counts.get(str(district), 0) + 1
    return sorted(counts.items())
