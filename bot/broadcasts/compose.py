"""Composing a broadcast: check the text, the audience and the time; the preview (audience per
platform, LINE messages it will use, the quota left); then create it, to start at its time.

Shared by the staff's /broadcast flow in Telegram and `run.py broadcast send`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.broadcasts import audiences
from bot.broadcasts.readers import CastView, EventInfo, Preview
from bot.core.errors import DeliveryError
from bot.core.serialize import reply_from_dict, reply_to_dict
from bot.core.types import Reply
from bot.delivery.ports import Multicaster
from bot.delivery.quiet import QuietHours
from bot.storage import broadcasts as store
from bot.storage import jobs
from bot.storage.models import Broadcast, DistrictChat, Event

START = "broadcast_start"


def messages_of(replies: list[Reply]) -> dict[str, list[dict[str, Any]]]:
    """Replies as stored with a broadcast (one language: what the staff wrote)."""
    return {"zh-TW": [reply_to_dict(r) for r in replies]}


async def preview(audience: str, replies: list[Reply],
                  multicaster: Multicaster | None) -> Preview:
    """Resolve the audience now and ask LINE for the quota (UnknownAudience when bad)."""
    people = await audiences.resolve(audience)
    event = await event_info(audience)
    sizes: dict[str, int] = {}
    for r in people:
        sizes[r.platform] = sizes.get(r.platform, 0) + 1
    line = sizes.get("line", 0)
    if not line or multicaster is None:
        return Preview(audience, sizes, event=event)
    cost = line * multicaster.requests_for(replies)
    try:
        quota = await multicaster.quota()
    except DeliveryError as exc:
        return Preview(audience, sizes, cost, None, exc.reason, event=event)
    return Preview(audience, sizes, cost, quota, booked=await booked(multicaster), event=event)


async def event_info(audience: str) -> EventInfo | None:
    """The event an `event:ID[:waiting]` audience names (None for other audiences)."""
    prefix, _, arg = audience.partition(":")
    if prefix != "event":
        return None
    row = await Event.get_or_none(id=arg.partition(":")[0])
    return EventInfo(row.id, row.title, row.starts) if row is not None else None


async def cast_view(row: Broadcast) -> CastView:
    """A stored broadcast as /broadcasts shows it."""
    return CastView(int(row.id), row.status, row.audience, row.district, row.run_at,
                    row.urgent, row.total, row.sent, row.failed, row.skipped,
                    await event_info(row.audience))


async def booked(multicaster: Multicaster) -> int:
    """LINE messages the broadcasts still scheduled will use (their audiences as they are now):
    the quota a new broadcast may count on is what is left after them."""
    total = 0
    for cast in await store.scheduled():
        try:
            people = await audiences.resolve(cast.audience)
        except audiences.UnknownAudience:
            continue
        line = sum(1 for r in people if r.platform == "line")
        replies = [reply_from_dict(r) for r in (cast.messages or {}).get("zh-TW", [])]
        total += line * max(multicaster.requests_for(replies), 1) if line else 0
    return total


async def schedule(*, audience: str, replies: list[Reply], run_at: datetime, district: str,
                   sender: tuple[str, str, str], urgent: bool) -> int:
    """Create the broadcast and its start job (run at run_at); its id."""
    cast = await store.create(audience=audience, messages=messages_of(replies), run_at=run_at,
                              district=district, sender=sender, urgent=urgent)
    assert cast is not None  # only keyed broadcasts (reminders) can collide
    await jobs.enqueue(START, {"id": cast.id}, dedupe_key=f"broadcast:{cast.id}:start",
                       run_at=run_at)
    return int(cast.id)


class StoredBroadcasts:
    """BroadcastReader over the database and LINE's quota endpoints."""

    def __init__(self, multicaster: Multicaster | None, quiet: QuietHours) -> None:
        self.multicaster = multicaster
        self.quiet = quiet

    async def district_of_chat(self, platform: str, chat_id: str) -> str | None:
        """The district whose staff chat this is, if any."""
        row = await DistrictChat.get_or_none(platform=platform, chat_id=chat_id)
        return None if row is None else str(row.district)

    async def preview(self, audience: str, replies: list[Reply]) -> Preview:
        """Audience sizes, LINE cost and quota (UnknownAudience for a bad audience)."""
        return await preview(audience, replies, self.multicaster)

    async def recent(self, districts: frozenset[str] | None, limit: int) -> list[CastView]:
        """Staff broadcasts (not reminders): scheduled ones first, soonest first, then the
        latest others; only those of districts (every district: None)."""
        query = Broadcast.filter(kind="broadcast")
        if districts is not None:
            query = query.filter(district__in=list(districts))
        waiting = await query.filter(status__in=("scheduled", "sending")).order_by("run_at")
        done = await query.exclude(status__in=("scheduled", "sending")).order_by("-id").limit(
            limit)
        return [await cast_view(r) for r in [*waiting, *done][:limit]]

    async def cast(self, cast_id: int) -> CastView | None:
        """One broadcast."""
        row = await store.get(cast_id)
        return None if row is None else await cast_view(row)
