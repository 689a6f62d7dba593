"""Effect appliers of the events flows (declared by the events feature; run inside the
dispatcher's saving transaction). Each raises EventConflict when the handler's reading no
longer holds, so the turn is re-run and the resident hears what really happened."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from bot.core.types import Incoming
from bot.storage import events_seats


def _now(data: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(data["now"])


async def _register(msg: Incoming, data: dict[str, Any]) -> None:
    await events_seats.register(msg.key, data)


async def _cancel(msg: Incoming, data: dict[str, Any]) -> None:
    await events_seats.cancel(int(data["reg"]), msg.platform, msg.user_id, _now(data))


async def _accept(msg: Incoming, data: dict[str, Any]) -> None:
    await events_seats.accept_offer(int(data["reg"]), msg.platform, msg.user_id, _now(data))


async def _refuse(msg: Incoming, data: dict[str, Any]) -> None:
    await events_seats.refuse_offer(int(data["reg"]), msg.platform, msg.user_id, _now(data))


async def _checkin(msg: Incoming, data: dict[str, Any]) -> None:
    await events_seats.check_in(int(data["reg"]), f"{msg.platform}:{msg.user_id}", _now(data))


async def _checkin_undo(msg: Incoming, data: dict[str, Any]) -> None:
    await events_seats.undo_check_in(int(data["reg"]), datetime.fromisoformat(data["since"]))


# Declared by the feature (bot/handlers): effect name -> applier.
APPLIERS: dict[str, Callable[[Incoming, dict[str, Any]], Awaitable[None]]] = {
    "event_register": _register,
    "event_cancel": _cancel,
    "event_accept": _accept,
    "event_refuse": _refuse,
    "event_checkin": _checkin,
    "event_checkin_undo": _checkin_undo,
}
