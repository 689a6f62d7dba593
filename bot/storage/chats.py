"""The role of a group chat: a district's staff chat or the volunteers' group (ChatReader)."""

from __future__ import annotations

from bot.core.roles import STAFF, VOLUNTEERS, ChatRole
from bot.storage.models import DistrictChat, VolunteerGroup


class StoredChats:
    """ChatReader over district_chat and volunteer_group."""

    async def role_of(self, platform: str, chat_id: str) -> ChatRole | None:
        """The chat's role; a chat that is both (one group for everything) is staff."""
        rows = await DistrictChat.filter(platform=platform, chat_id=chat_id).order_by(
            "district")
        if rows:
            return ChatRole(STAFF, rows[0].lang, tuple(r.district for r in rows))
        group = await VolunteerGroup.get_or_none(platform=platform, chat_id=chat_id)
        return ChatRole(VOLUNTEERS, group.lang) if group is not None else None
