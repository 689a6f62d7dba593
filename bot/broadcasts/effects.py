"""The staff broadcast's effect, applied inside the turn's saving transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.broadcasts.compose import schedule
from bot.core.serialize import reply_from_dict
from bot.core.types import Incoming
from bot.storage import broadcasts as store
from bot.storage.conversations import Conflict


async def create(msg: Incoming, data: dict[str, Any]) -> None:
    """Staff confirmed a broadcast: {audience, replies, run_at, district, urgent, sender}."""
    replies = [reply_from_dict(r) for r in data["replies"]]
    await schedule(audience=data["audience"], replies=replies,
                   run_at=datetime.fromisoformat(data["run_at"]), district=data["district"],
                   sender=tuple(data["sender"]), urgent=bool(data["urgent"]))


async def cancel(msg: Incoming, data: dict[str, Any]) -> None:
    """Staff confirmed 取消 #id: cancelled unless it finished meanwhile (then the turn runs
    again on fresh data and says so)."""
    if not await store.set_status(int(data["id"]), "cancelled", "cancelled",
                                  only_from=tuple(data["from"])):
        raise Conflict(f"broadcast {data['id']} is no longer stoppable")
