"""The hand-off's clock: nudges, quiet closes and a re-kick of stranded relays, once a minute.

Every process runs the loop; a lease on the volunteers' group row lets one sweep per period
across all processes. What the sweep sends goes through durable jobs: one digest message per
sweep to the group (well inside Telegram's 20 messages a minute per group), and notices to
residents whose ticket closed for quiet.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.common.hours import utc
from bot.common.loop import forever
from bot.core.serialize import reply_to_dict
from bot.core.types import Text
from bot.handlers.deps import Deps
from bot.storage import jobs
from bot.storage.models import Ticket, VolunteerGroup
from bot.storage.tickets import relay as tickets_relay
from bot.storage.tickets import store as tickets
from bot.storage.tickets import volunteers
from bot.tickets import render
from bot.tickets.effects import queue_deliver, queue_sync
from bot.tickets.view import GroupView

log = logging.getLogger("bot.tickets")
PERIOD = 60.0
MAX_NUDGES = 15  # lines in one digest
STRANDED_AFTER = timedelta(minutes=2)


class TicketSweep:
    """Finds what is due at now and queues the messages; the loop runs it every minute."""

    def __init__(self, deps: Deps,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.deps, self.clock = deps, clock

    async def run(self) -> None:
        """Sweep every PERIOD seconds until cancelled."""
        await forever(self.run_once, lambda: asyncio.sleep(PERIOD), log)

    async def run_once(self) -> bool:
        """One sweep, if this process wins the period's lease; always rests afterwards."""
        now = utc(self.clock())
        group = await volunteers.group()
        if group is not None and await _lease(now):
            await self.sweep(now, group)
        return False

    async def sweep(self, now: datetime, group: GroupView) -> None:
        """Nudge, close quiet tickets, and re-queue relays a crash left behind."""
        await self._nudge(now, group)
        await self._close_quiet(now)
        for ticket_id, direction in await tickets_relay.stranded(now - STRANDED_AFTER):
            queue = queue_deliver if direction == "out" else queue_sync
            await queue(ticket_id, f"kick:{now:%Y%m%d%H%M}")

    async def _nudge(self, now: datetime, group: GroupView) -> None:
        policy, t = self.deps.handoff, self.deps.content.t
        if not policy.is_open(now):  # nobody on duty: what is due waits for the morning
            return
        # Once per duty period: a ticket nudged yesterday and still waiting is named again
        # when the next duty period starts.
        start = policy.period_start(now)
        period = None if start is None else utc(start)  # compared with stored UTC times
        unclaimed = await tickets_relay.due_unclaimed(now - policy.nudge_unclaimed, MAX_NUDGES,
                                                      period)
        unanswered = await tickets_relay.due_unanswered(now - policy.nudge_unanswered,
                                                        MAX_NUDGES - len(unclaimed), period)
        if not unclaimed and not unanswered:
            return
        content = self.deps.content
        lines = [t("volunteer.nudge.title")]
        lines += [t("volunteer.nudge.unclaimed", ref=r.ref, age=render.age(content, r.created_at,
                                                                          now))
                  for r in unclaimed]
        lines += [t("volunteer.nudge.unanswered", ref=r.ref, name=r.claimed_name or "-",
                    age=render.age(content, r.claimed_at, now)) for r in unanswered]
        lines.append(t("volunteer.nudge.footer"))
        await jobs.enqueue_send(group.platform, group.chat_id,
                                [reply_to_dict(Text("\n".join(lines)))],
                                dedupe_key=f"tnudge:{now:%Y%m%d%H%M}")
        await tickets_relay.mark_nudged([r.id for r in unclaimed], "nudged_unclaimed_at", now)
        await tickets_relay.mark_nudged([r.id for r in unanswered], "nudged_unanswered_at", now)

    async def _close_quiet(self, now: datetime) -> None:
        for row in await tickets_relay.quiet(now - self.deps.handoff.quiet_close, 50):
            await close_quietly(self.deps, row)


async def close_quietly(deps: Deps, row: Ticket) -> None:
    """Close a ticket nobody wrote to for the quiet period; tell both sides."""
    if not await tickets.close(row.ref, "quiet"):
        return
    t = deps.content.t
    notice = Text(t("handoff.closed_quiet", row.locale, ref=row.ref))
    await jobs.enqueue_send(row.platform, row.chat_id, [reply_to_dict(notice)],
                            dedupe_key=f"tclose:{row.id}")
    note = await tickets.note(row.ref, t("volunteer.note.closed_quiet", ref=row.ref))
    if note is not None:
        await queue_sync(row.id, f"n{note.id}")


async def _lease(now: datetime) -> bool:
    """One sweep per period across processes: a lease on the group's row."""
    values: dict[str, Any] = {"sweep_until": now + timedelta(seconds=PERIOD * 0.9)}
    free = await VolunteerGroup.filter(key=volunteers.GROUP_KEY).filter(
        sweep_until__isnull=True).update(**values)
    return bool(free or await VolunteerGroup.filter(
        key=volunteers.GROUP_KEY, sweep_until__lt=now).update(**values))
