"""The hand-off's effects, applied inside the turn's saving transaction.

Each queues its durable relay job in the same transaction, so a saved message is always
relayed (after a crash, by the job), and a redelivered update adds nothing (unique source).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.core.types import Incoming
from bot.storage import jobs
from bot.storage.conversations import Conflict
from bot.storage.models import Ticket
from bot.storage.tickets import store as tickets
from bot.storage.tickets import volunteers

SYNC, DELIVER = "ticket_sync", "ticket_deliver"


async def queue_sync(ticket_id: int, key: str) -> None:
    """Relay what waits for the volunteers' group (the job sends everything pending)."""
    await jobs.enqueue(SYNC, {"ticket": ticket_id}, dedupe_key=f"tsync:{ticket_id}:{key}")


async def queue_deliver(ticket_id: int, key: str) -> None:
    """Deliver what waits for the resident."""
    await jobs.enqueue(DELIVER, {"ticket": ticket_id}, dedupe_key=f"tdel:{ticket_id}:{key}")


async def _note(ref: str, text: str) -> None:
    row = await tickets.note(ref, text)
    if row is not None:
        await queue_sync(row.ticket_id, f"n{row.id}")  # type: ignore[attr-defined]


async def _open(msg: Incoming, data: dict[str, Any]) -> None:
    """{ref, question, district, locale, guesses}: the ticket, and its post to the group."""
    row = await tickets.open_ticket(msg.platform, msg.chat_id, msg.user_id, data)
    await queue_sync(row.id, "open")


async def _resident_message(msg: Incoming, data: dict[str, Any]) -> None:
    """{ref, text, keep_token}: a resident's message to the open ticket (with their reply
    token, when the turn left it unused)."""
    source = f"{msg.platform}:{msg.event_key}" if msg.event_key else ""
    token = msg.reply_token if data.get("keep_token") else ""
    row = await tickets.resident_wrote(data["ref"], data["text"], source, token,
                                       msg.reply_until)
    if row is not None:
        await queue_sync(row.ticket_id, f"m{row.id}")  # type: ignore[attr-defined]


async def _answer(msg: Incoming, data: dict[str, Any]) -> None:
    """{ref, text, name, faq_id?}: a volunteer's answer, delivered to the resident."""
    source = f"{msg.platform}:{msg.chat_id}:{msg.message_id or msg.event_key}"
    row = await tickets.volunteer_answered(data["ref"], data["text"], user_id=msg.user_id,
                                           name=data.get("name", ""), source_key=source,
                                           faq_id=data.get("faq_id"))
    if row is not None:
        await queue_deliver(row.ticket_id, f"m{row.id}")  # type: ignore[attr-defined]


async def _claim(msg: Incoming, data: dict[str, Any]) -> None:
    """{ref, name}: claim it; someone else first re-runs the turn, which then says who."""
    if not await tickets.claim(data["ref"], msg.user_id, data.get("name", "")):
        raise Conflict(data["ref"])


async def _close(msg: Incoming, data: dict[str, Any]) -> None:
    """{ref, reason, note?, notice?}: close; tell the group (note) and/or the resident
    (notice: a reply dict pushed by a durable job)."""
    if not await tickets.close(data["ref"], data["reason"]):
        return  # closed already (a double press): nothing more to tell
    if data.get("note"):
        await _note(data["ref"], data["note"])
    row = await Ticket.get_or_none(ref=data["ref"])
    if data.get("notice") and row is not None:
        await jobs.enqueue_send(row.platform, row.chat_id, [data["notice"]],
                                dedupe_key=f"tclose:{row.id}")


async def _rate(msg: Incoming, data: dict[str, Any]) -> None:
    """{answer, helpful, ref, note}: the resident's rating, and a line for the volunteers."""
    await tickets.rate(int(data["answer"]), bool(data["helpful"]))
    if data.get("note"):
        await _note(data["ref"], data["note"])


async def _suggest(msg: Incoming, data: dict[str, Any]) -> None:
    """{ref, question, answer, written}: a suggested FAQ entry for staff review (written: the
    volunteer wrote both in their own words)."""
    await volunteers.suggest(data["ref"], data["question"], data["answer"],
                             f"{msg.platform}:{msg.user_id}", written=bool(data.get("written")))


# Declared by the feature (bot/handlers): effect name -> applier.
APPLIERS: dict[str, Callable[[Incoming, dict[str, Any]], Awaitable[None]]] = {
    "ticket_open": _open,
    "ticket_in": _resident_message,
    "ticket_answer": _answer,
    "ticket_claim": _claim,
    "ticket_close": _close,
    "ticket_rate": _rate,
    "faq_suggest": _suggest,
}
