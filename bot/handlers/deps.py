"""What handlers may use: content, the understander and read-only look-ups."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from aiohttp import web

from bot.broadcasts.readers import BroadcastReader, NoBroadcasts
from bot.common.content import Content
from bot.common.hours import HandoffPolicy
from bot.common.settings import ROOT
from bot.core.roles import ChatReader, NoChats
from bot.events.filters import FilterWords
from bot.events.reader import EventReader, NoEvents
from bot.ivoting.readers import IVotingReader, NoIVoting
from bot.nlp.understander import Understander
from bot.proposals.spec import ProposalSpec
from bot.proposals.view import ProposalView
from bot.tickets.view import NoTickets, TicketReader

MyDataReader = Callable[[str, str], Awaitable[dict[str, Any] | None]]


async def _no_data(platform: str, user_id: str) -> dict[str, Any] | None:
    return None


class ProposalReader(Protocol):
    """Read-only proposal look-ups (the dispatcher's effects do the writing)."""

    async def of_user(self, platform: str, user_id: str) -> list[ProposalView]: ...

    async def by_token(self, token: str) -> ProposalView | None: ...

    async def by_ref(self, ref: str) -> ProposalView | None: ...

    async def candidates(self, district: str, exclude_token: str,
                         limit: int) -> list[ProposalView]: ...

    async def staff_districts(self, platform: str, user_id: str) -> frozenset[str]: ...

    async def has_staff_chat(self, district: str) -> bool: ...


class NoProposals:
    """A reader with nothing stored (for `run.py ask`, which has no database)."""

    async def of_user(self, platform: str, user_id: str) -> list[ProposalView]:
        """No proposals."""
        return []

    async def by_token(self, token: str) -> ProposalView | None:
        """None."""
        return None

    async def by_ref(self, ref: str) -> ProposalView | None:
        """None."""
        return None

    async def candidates(self, district: str, exclude_token: str,
                         limit: int) -> list[ProposalView]:
        """No candidates."""
        return []

    async def staff_districts(self, platform: str, user_id: str) -> frozenset[str]:
        """Nobody is staff."""
        return frozenset()

    async def has_staff_chat(self, district: str) -> bool:
        """No district office has a staff chat."""
        return False


@dataclass(frozen=True)
class Deps:
    """Handler dependencies, passed in rather than imported, so tests can swap them."""

    content: Content
    nlp: Understander
    my_data: MyDataReader = _no_data
    clock: Callable[[], datetime] = datetime.now
    spec: ProposalSpec = field(default_factory=lambda: ProposalSpec.load(ROOT / "content"))
    proposals: ProposalReader = field(default_factory=NoProposals)
    public_url: str = "http://127.0.0.1:8080"
    tickets: TicketReader = field(default_factory=NoTickets)
    handoff: HandoffPolicy = field(default_factory=HandoffPolicy)
    events: EventReader = field(default_factory=NoEvents)
    event_words: FilterWords = field(default_factory=lambda: FilterWords.load(ROOT / "content"))
    ivoting: IVotingReader = field(default_factory=NoIVoting)
    broadcasts: BroadcastReader = field(default_factory=NoBroadcasts)
    chats: ChatReader = field(default_factory=NoChats)


# Where a feature's web routes find the process's Deps (bot.runtime.web sets it).
DEPS = web.AppKey("deps", Deps)
