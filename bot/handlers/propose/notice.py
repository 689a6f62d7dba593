"""The district office's notice: a submitted proposal's card, pushed to the district's staff chat.

Job "staff_notice" {ref, tell_resident} is queued when a resident submits
(bot.proposals.effects) and again, for the proposals still waiting, when a district's staff
chat is set (`run.py staff chat`). With tell_resident (the resident was told it is queued),
the resident hears when the card has actually gone out.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from bot.core.errors import DeliveryError, PermanentError
from bot.core.ports import Pusher
from bot.core.serialize import reply_to_dict
from bot.core.types import Text
from bot.handlers.deps import Deps
from bot.handlers.propose.staff_card import staff_card
from bot.proposals.effects import NOTICE
from bot.proposals.view import ProposalView
from bot.storage import jobs
from bot.storage.models import Job
from bot.storage.proposals import staff
from bot.storage.proposals import store as proposals

log = logging.getLogger("bot.staff")
KIND = NOTICE


PusherFor = Callable[[str], Pusher | None]


class StaffNotifier:
    """Runs staff_notice jobs with the process's content and platform clients."""

    def __init__(self, deps: Deps, pusher_for: PusherFor) -> None:
        self.deps = deps
        self.pusher_for = pusher_for

    async def run(self, payload: dict[str, Any], job: Job) -> None:
        """Push the proposal's card to its district's staff chat.

        No chat configured (or its platform not on here) fails the job for good with the
        reason recorded; the proposal stays 'submitted' and `run.py staff chat` re-sends it.
        """
        p = await proposals.by_ref(str(payload.get("ref", "")))
        if p is None:
            raise PermanentError("proposal not found")
        chat = await staff.chat_of(p.district)
        if chat is None:
            # The district is not personal data; the ref and the resident stay out of logs.
            log.warning("staff_notice job %s: no staff chat for %s (run.py staff chat)",
                        job.id, p.district)
            await self._tell_admins(p)
            raise PermanentError(f"no staff chat configured for {p.district}: "
                                 f"run.py staff chat --district {p.district} ...")
        pusher = self.pusher_for(chat.platform)
        if pusher is None:
            log.warning("staff_notice job %s: platform %s is not configured",
                        job.id, chat.platform)
            raise PermanentError(f"staff chat platform {chat.platform} is not configured")
        again = await proposals.resubmissions(p.id)
        card = staff_card(self.deps, p, chat.lang, resubmitted=again)
        older = await proposals.card_of(p.id)
        if older is not None and older[0] == chat.chat_id:  # its buttons would still work
            gone = replace(card, choices=(), edit=older[1], title=self.deps.content.t(
                "staff.card.superseded", chat.lang, title=card.title))
            with contextlib.suppress(DeliveryError):  # a lost edit must not stop the notice
                await pusher.push_replies(chat.chat_id, [gone], f"{job.dedupe_key}:old")
        ids = await pusher.push_replies(chat.chat_id, [card], job.dedupe_key)
        if ids:
            await proposals.set_card(p.id, chat.chat_id, ids[-1])
        if payload.get("tell_resident") and p.user_id is not None:
            await self._tell_resident(p, job)

    async def _tell_admins(self, p: ProposalView) -> None:
        """City-wide staff (`--district all`) hear that a district has proposals waiting and
        no staff chat: once per proposal, in their private chat with the bot."""
        text = self.deps.content.t("staff.no_chat_admin", district=p.district, ref=p.ref)
        for role in await staff.roles():
            if role.district == staff.ALL and role.platform == "telegram":
                await jobs.enqueue_send(role.platform, role.user_id, [reply_to_dict(Text(text))],
                                        dedupe_key=f"nochat:{p.ref}:{role.user_id}")

    async def _tell_resident(self, p: ProposalView, job: Job) -> None:
        """The resident was told the proposal is queued: now it really reached the office.
        A durable send job of its own (same key on a re-run: never told twice)."""
        text = self.deps.content.t("propose.delivered", p.locale, ref=p.ref,
                                   district=p.district)
        assert p.user_id is not None
        await jobs.enqueue_send(p.platform, p.user_id, [reply_to_dict(Text(text))],
                                dedupe_key=f"{job.dedupe_key}:told")


async def resend_backlog(district: str) -> int:
    """Queue the notice again for the district's proposals still waiting; return how many."""
    # A fresh key per call: the first notices (and any earlier re-send) already used theirs.
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    waiting = await proposals.for_export(district, "submitted")
    for p in waiting:
        # Waiting means nothing reached the office: its resident hears when it does.
        await jobs.enqueue(KIND, {"ref": p.ref, "tell_resident": True},
                           dedupe_key=f"staff:{p.ref}:chat:{stamp}")
    return len(waiting)
