"""Effect appliers of the events flows (registered with bot.effects; run inside the
dispatcher's saving transaction). Each raises EventConflict when the handler's reading no
longer holds, so the turn is re-run and the resident hears what really happened."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.types import Incoming
from bot.runtime.effects import effect
from bot.storage import events_seats


def _now(data: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(data["now"])


@effect("event_register")
async def _register(msg: Incoming, data: dict[str, Any]) -> None:
    await events_seats.register(msg.key, data)


@effect("event_cancel")
async def _cancel(msg: Incoming, data: dict[str, Any]) -> None:
    await events_seats.cancel(int(data["reg"]), msg.platform, msg.user_id, _now(data))


@effect("event_accept")
async def _accept(msg: Incoming, data: dict[str, Any]) -> None:
    await events_seats.accept_offer(int(data["reg"]), msg.platform, msg.user_id, _now(data))


@effect("event_refuse")
async def _refuse(msg: Incoming, data: dict[str, Any]) -> None:
    await events_seats.refuse_offer(int(data["reg"]), msg.platform, msg.user_id, _now(data))


@effect("event_checkin")
async def _checkin(msg: Incoming, data: dict[str, Any]) -> None:
    await events_seats.check_in(int(data["reg"]), f"{msg.platform}:{msg.user_id}", _now(data))
