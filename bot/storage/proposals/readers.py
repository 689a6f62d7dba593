"""The database-backed reader handlers get through Deps (reads only)."""

from __future__ import annotations

from bot.proposals.view import ProposalView
from bot.storage.proposals import staff
from bot.storage.proposals import store as proposals


class StoredProposals:
    """ProposalReader over the database."""

    async def of_user(self, platform: str, user_id: str) -> list[ProposalView]:
        """A user's proposals, newest first."""
        return await proposals.of_user(platform, user_id)

    async def by_token(self, token: str) -> ProposalView | None:
        """The proposal with this token."""
        return await proposals.by_token(token)

    async def by_ref(self, ref: str) -> ProposalView | None:
        """The proposal with this reference number."""
        return await proposals.by_ref(ref)

    async def candidates(self, district: str, exclude_token: str,
                         limit: int) -> list[ProposalView]:
        """Submitted proposals to compare a draft with."""
        return await proposals.candidates(district, exclude_token, limit)

    async def staff_districts(self, platform: str, user_id: str) -> frozenset[str]:
        """The districts a person may act for."""
        return await staff.districts_of(platform, user_id)

    async def has_staff_chat(self, district: str) -> bool:
        """Whether the district office has a staff chat (where new proposals are sent)."""
        return await staff.chat_of(district) is not None
