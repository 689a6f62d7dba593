"""Durable event jobs: reminders, seat offers and their expiry, notices of changes, and the
staff chat's 80 % / 100 % alerts. Each checks at send time that it is still true (the event
not moved, cancelled or started; the offer still open), so nothing stale goes out; sending
goes through the Pusher of the resident's platform."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from bot.core.errors import PermanentError
from bot.core.ports import Pusher
from bot.core.serialize import reply_to_dict
from bot.core.types import Reply, Text
from bot.events import dates, policy
from bot.events.policy import aware
from bot.events.view import RegistrationView
from bot.handlers.deps import Deps
from bot.handlers.events.show import change_text, offer_text, reminder_card, when
from bot.storage import events, events_seats, jobs
from bot.storage.jobs import JobHandler
from bot.storage.models import Job, Member
from bot.storage.proposals import staff

log = logging.getLogger("bot.events")
PusherFor = Callable[[str], Pusher | None]


class EventJobs:
    """Runs the event job kinds with the process's content, clock and platform clients."""

    def __init__(self, deps: Deps, pusher_for: PusherFor) -> None:
        self.deps = deps
        self.pusher_for = pusher_for

    def handlers(self) -> dict[str, JobHandler]:
        """Job kind -> handler, for the JobRunner."""
        return {policy.JOB_REMIND: self.remind, policy.JOB_OFFER: self.offer,
                policy.JOB_EXPIRE: self.expire, policy.JOB_CHANGE: self.change,
                policy.JOB_ALERT: self.alert}

    def _now(self) -> datetime:
        return aware(self.deps.clock())

    async def remind(self, payload: dict[str, Any], job: Job) -> None:
        """The day-before or 2-hours-before reminder, if the event is still on as planned."""
        now = self._now()
        reg = await events.registration(int(payload["reg"]))
        ev = await events.get(reg.event_id) if reg else None
        if reg is None or ev is None or reg.status != "registered" or ev.status != "scheduled":
            return  # cancelled meanwhile: nothing to remind
        if aware(ev.starts).isoformat() != payload["starts"] or now >= aware(ev.starts):
            return  # moved (a new reminder was queued) or already started: never late
        if policy.in_quiet_hours(now) and policy.quiet_end(now) < aware(ev.starts):
            # The runner was late into the night: wait for the morning, the event allows it.
            await jobs.enqueue(policy.JOB_REMIND, payload, dedupe_key=f"{job.dedupe_key}:q",
                               run_at=policy.quiet_end(now))
            return
        card = reminder_card(self.deps, ev, reg, str(payload["which"]), reg.locale)
        await self._push(reg, [card], job.dedupe_key)

    async def offer(self, payload: dict[str, Any], job: Job) -> None:
        """Tell the first in line that a seat is held for them, while the offer stands."""
        reg = await events.registration(int(payload["reg"]))
        ev = await events.get(reg.event_id) if reg else None
        if reg is None or ev is None or not policy.offer_stands(ev, reg, self._now()):
            return
        await self._push(reg, [offer_text(self.deps, ev, reg, reg.locale)], job.dedupe_key)

    async def expire(self, payload: dict[str, Any], job: Job) -> None:
        """An offer not taken in time: pass the seat on, and tell the person it lapsed."""
        now = self._now()
        async with in_transaction():
            lapsed = await events_seats.expire_offer(int(payload["reg"]), now)
            ev = await events.get(lapsed.event_id) if lapsed else None
            if lapsed is None or ev is None:
                return
            until = dates.moment(self.deps.content, lapsed.offer_until or now, lapsed.locale)
            text = self.deps.content.t("events.offer.lapsed", lapsed.locale, title=ev.title,
                                       until=until)
            await jobs.enqueue_send(lapsed.platform, lapsed.chat_id,
                                    [reply_to_dict(Text(text))],
                                    dedupe_key=f"evl:{lapsed.id}", run_at=now)

    async def change(self, payload: dict[str, Any], job: Job) -> None:
        """What changed (time, place, cancelled), unless a later change superseded it."""
        reg = await events.registration(int(payload["reg"]))
        ev = await events.get(reg.event_id) if reg else None
        if reg is None or ev is None or ev.version != int(payload["version"]):
            return
        text = change_text(self.deps, ev, payload["old"], reg.locale)
        await self._push(reg, [text], job.dedupe_key)

    async def alert(self, payload: dict[str, Any], job: Job) -> None:
        """The district's staff chat: the event reached 80 % or 100 % of its capacity."""
        ev = await events.get(str(payload["event"]))
        if ev is None:
            raise PermanentError("event not found")
        chat = await staff.chat_of(ev.district)
        if chat is None:
            log.warning("event alert job %s: no staff chat for %s", job.id, ev.district)
            raise PermanentError(f"no staff chat configured for {ev.district}")
        pusher = self.pusher_for(chat.platform)
        if pusher is None:
            raise PermanentError(f"staff chat platform {chat.platform} is not configured")
        text = self.deps.content.t(
            "events.staff.alert", title=ev.title, level=payload["level"],
            registered=ev.registered, capacity=ev.capacity, waiting=ev.waiting,
            **when(self.deps, ev, "zh-TW"))
        await pusher.push_replies(chat.chat_id, [Text(text)], job.dedupe_key)

    async def _push(self, reg: RegistrationView, replies: list[Reply], seed: str) -> None:
        pusher = self.pusher_for(reg.platform)
        if pusher is None:
            raise PermanentError(f"platform {reg.platform} is not configured")
        if await Member.filter(platform=reg.platform, user_id=reg.user_id,
                               followed=False).exists():
            raise PermanentError("the user unfollowed")
        await pusher.push_replies(reg.chat_id, replies, seed)
