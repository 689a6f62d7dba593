"""Starting a broadcast at its time (job "broadcast_start"): quiet hours, the audience as it is
now, the LINE quota check, then its batches, written together with the start."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.broadcasts import audiences
from bot.broadcasts.compose import START
from bot.core.errors import PermanentError
from bot.core.serialize import reply_from_dict
from bot.delivery.engine import Reporter
from bot.delivery.ports import Multicaster
from bot.delivery.quiet import QuietHours
from bot.storage import broadcasts as store
from bot.storage import jobs
from bot.storage.models import Broadcast, Job

log = logging.getLogger("bot.broadcasts")
LINE_CHUNK = 500  # user ids per multicast request


class Starter:
    """Runs broadcast_start jobs in a process with these platforms on."""

    def __init__(self, *, multicaster: Multicaster | None, served: list[str],
                 reporter: Reporter, quiet: QuietHours, wake: Callable[[], None],
                 now: Callable[[], datetime]) -> None:
        self.multicaster, self.served, self.reporter = multicaster, served, reporter
        self.quiet, self.wake, self.now = quiet, wake, now

    async def run(self, payload: dict[str, Any], job: Job) -> None:
        """Start the broadcast, or hold it until quiet hours end, or refuse it."""
        cast = await store.get(int(payload.get("id", 0)))
        if cast is None:
            raise PermanentError("broadcast not found")
        if cast.status != "scheduled":
            return  # cancelled meanwhile, or a retried job after the start
        now = self.now()
        if cast.expires_at is not None and now >= cast.expires_at:
            await store.set_status(cast.id, "expired", "expired", only_from=("scheduled",))
            return
        if not cast.urgent and self.quiet.active(now):
            await self._hold(cast, now)
            return
        await self._start(cast)

    async def _hold(self, cast: Broadcast, now: datetime) -> None:
        morning = self.quiet.ends_after(now)
        await jobs.enqueue(START, {"id": cast.id}, run_at=morning,
                           dedupe_key=f"broadcast:{cast.id}:start:{morning:%Y%m%d%H%M}")
        log.info("broadcast %s held for quiet hours until %s", cast.id, morning.isoformat())

    async def _start(self, cast: Broadcast) -> None:
        try:
            people = await audiences.resolve(cast.audience)
        except audiences.UnknownAudience as exc:
            await self._refuse(cast, f"audience: {exc}")
            return
        batches = plan(people, self.served, self.multicaster is not None)
        line_users = sum(len(b.recipients) for b in batches
                         if b.platform == "line" and b.status == "pending")
        cost = 0
        if line_users and self.multicaster is not None:
            replies = [reply_from_dict(r) for r in (cast.messages or {}).get("zh-TW", [])]
            cost = line_users * max(self.multicaster.requests_for(replies), 1)
            left = (await self.multicaster.quota()).remaining  # DeliveryError: job retries
            if left is not None and cost > left:
                await self._refuse(cast, f"quota: needs {cost}, {left} left")
                return
        if not await store.start(cast.id, batches, cost, cast.urgent):
            return
        if not any(b.status == "pending" for b in batches):
            if await store.set_status(cast.id, "done", only_from=("sending",)):
                await self.reporter.finished(cast.id)
            return
        self.wake()

    async def _refuse(self, cast: Broadcast, error: str) -> None:
        if await store.set_status(cast.id, "refused", error, only_from=("scheduled",)):
            await self.reporter.finished(cast.id)


def plan(people: list[audiences.Recipient], served: list[str],
         line_on: bool) -> list[store.NewBatch]:
    """Batches for recipients: LINE by language in 500s; one chat each elsewhere; those on a
    platform this bot does not run are written as skipped."""
    line: dict[str, list[str]] = {}
    batches: list[store.NewBatch] = []
    off: dict[str, list[str]] = {}
    for r in people:
        if r.platform not in served or (r.platform == "line" and not line_on):
            off.setdefault(r.platform, []).append(r.user_id)
        elif r.platform == "line":
            line.setdefault(r.locale, []).append(r.user_id)
        else:
            batches.append(store.NewBatch(r.platform, r.locale, [r.user_id]))
    for locale, ids in line.items():
        batches += [store.NewBatch("line", locale, ids[i:i + LINE_CHUNK])
                    for i in range(0, len(ids), LINE_CHUNK)]
    batches += [store.NewBatch(p, "zh-TW", ids, "skipped", "platform_off")
                for p, ids in off.items()]
    return batches
