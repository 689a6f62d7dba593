"""Hand-off tickets: opening, the messages both ways, claiming, closing, look-ups, forgetting.

Writes are called from effects (inside the turn's transaction) and from the relay jobs.
Conditional updates make racing turns safe: a claim or a close only happens once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from bot.storage.models import Ticket, TicketMessage, TicketPost
from bot.storage.tickets import volunteers
from bot.tickets.view import OPEN, AnswerView, GroupView, TicketView, Volunteer

IN, OUT, NOTE = "in", "out", "note"


def _now() -> datetime:
    return datetime.now(UTC)


async def view(row: Ticket) -> TicketView:
    """The read-only view of a row (with its count of volunteer answers)."""
    answers = await TicketMessage.filter(ticket_id=row.id, direction=OUT).count()
    return TicketView(
        ref=row.ref, platform=row.platform, chat_id=row.chat_id, user_id=row.user_id,
        question=row.question, district=row.district, locale=row.locale, status=row.status,
        guesses=tuple(str(g) for g in row.guesses or ()), claimed_by=row.claimed_by,
        claimed_name=row.claimed_name, created_at=row.created_at, claimed_at=row.claimed_at,
        answered_at=row.answered_at, answers=answers, thread_id=row.thread_id,
        card_id=row.card_id, group_chat=row.group_chat)


async def open_ticket(platform: str, chat_id: str, user_id: str, data: dict[str, Any]) -> Ticket:
    """Create a ticket: {ref, question, district, locale, guesses}."""
    return await Ticket.create(
        ref=data["ref"], platform=platform, chat_id=chat_id, user_id=user_id,
        question=str(data["question"])[:500], district=str(data.get("district") or "")[:8],
        locale=str(data.get("locale") or "zh-TW")[:8], guesses=list(data.get("guesses", [])),
        resident_at=_now())


async def add_message(ticket: Ticket, direction: str, text: str, *, source_key: str | None,
                      author_id: str = "", author_name: str = "",
                      faq_id: str | None = None) -> TicketMessage | None:
    """Append a message; None when its source was relayed before (a redelivery)."""
    if source_key and await TicketMessage.exists(source_key=source_key):
        return None
    try:
        return await TicketMessage.create(
            ticket=ticket, direction=direction, text=text, source_key=source_key,
            author_id=author_id, author_name=author_name[:64], faq_id=faq_id)
    except IntegrityError:  # the same source raced us: it is there once
        return None


async def resident_wrote(ref: str, text: str, source_key: str, token: str,
                         until: float) -> TicketMessage | None:
    """A resident's message to an open ticket; keeps their unused reply token."""
    ticket = await Ticket.get_or_none(ref=ref)
    if ticket is None:
        return None
    values: dict[str, Any] = {"resident_at": _now()}
    if token:
        values.update(reply_token=token, reply_until=datetime.fromtimestamp(until, UTC))
    await Ticket.filter(id=ticket.id).update(**values)
    return await add_message(ticket, IN, text, source_key=source_key or None)


async def claim(ref: str, user_id: str, name: str) -> bool:
    """Claim an open, unclaimed ticket; False when someone has it (or it is closed)."""
    updated = await Ticket.filter(ref=ref, status=OPEN, claimed_by__isnull=True).update(
        claimed_by=user_id, claimed_name=name[:64], claimed_at=_now())
    return bool(updated)


async def volunteer_answered(ref: str, text: str, *, user_id: str, name: str, source_key: str,
                             faq_id: str | None = None) -> TicketMessage | None:
    """A volunteer's answer (claiming the ticket when nobody has); None for a redelivery."""
    ticket = await Ticket.get_or_none(ref=ref)
    if ticket is None:
        return None
    message = await add_message(ticket, OUT, text, source_key=source_key or None,
                                author_id=user_id, author_name=name, faq_id=faq_id)
    if message is not None:
        await claim(ref, user_id, name)
        await Ticket.filter(id=ticket.id).update(answered_at=_now())
    return message


async def note(ref: str, text: str) -> TicketMessage | None:
    """A line for the volunteers (a rating, the resident closing), relayed like messages."""
    ticket = await Ticket.get_or_none(ref=ref)
    return None if ticket is None else await add_message(ticket, NOTE, text, source_key=None)


async def close(ref: str, reason: str) -> bool:
    """Close an open ticket; False when it was closed already."""
    updated = await Ticket.filter(ref=ref, status=OPEN).update(
        status="closed", close_reason=reason[:16], closed_at=_now(), reply_token=None)
    return bool(updated)


async def rate(answer_id: int, helpful: bool) -> None:
    """The resident's 👍/👎 on an answer."""
    await TicketMessage.filter(id=answer_id, direction=OUT).update(rating=helpful)


async def by_ref(ref: str) -> TicketView | None:
    """The ticket with this number."""
    row = await Ticket.get_or_none(ref=ref)
    return await view(row) if row else None


async def open_of(platform: str, chat_id: str, user_id: str) -> TicketView | None:
    """A resident's open ticket in this chat (the newest), if any."""
    row = await Ticket.filter(platform=platform, chat_id=chat_id, user_id=user_id,
                              status=OPEN).order_by("-id").first()
    return await view(row) if row else None


async def in_group(chat_id: str, thread_id: str, reply_to: str) -> TicketView | None:
    """The ticket a group message belongs to: its forum topic, or the ticket message (or a
    relay) it replies to."""
    row = None
    if thread_id:
        row = await Ticket.filter(group_chat=chat_id, thread_id=thread_id).order_by("-id").first()
    if row is None and reply_to:
        post = await TicketPost.get_or_none(chat_id=chat_id, message_id=reply_to)
        row = await Ticket.get_or_none(id=post.ticket_id) if post else None  # type: ignore[attr-defined]
    return await view(row) if row else None


async def open_tickets(limit: int) -> list[TicketView]:
    """Open tickets, oldest first."""
    rows = await Ticket.filter(status=OPEN).order_by("created_at", "id").limit(limit)
    return [await view(r) for r in rows]


async def answers(ref: str) -> list[AnswerView]:
    """A ticket's volunteer answers, oldest first."""
    rows = await TicketMessage.filter(ticket__ref=ref, direction=OUT).order_by("id")
    return [AnswerView(r.id, ref, r.text, r.author_name, r.created_at) for r in rows]


async def answer(answer_id: int) -> AnswerView | None:
    """One volunteer answer."""
    row = await TicketMessage.get_or_none(id=answer_id, direction=OUT).prefetch_related("ticket")
    return AnswerView(row.id, row.ticket.ref, row.text, row.author_name,
                      row.created_at) if row else None


async def record_post(ticket_id: int, chat_id: str, message_ids: list[str]) -> None:
    """Remember the bot's messages in the group for a ticket (replies to them are answers)."""
    rows = [TicketPost(ticket_id=ticket_id, chat_id=chat_id, message_id=m)
            for m in message_ids if m]
    if rows:
        await TicketPost.bulk_create(rows, ignore_conflicts=True)


async def count_of_user(platform: str, user_id: str) -> dict[str, int]:
    """A resident's tickets (open and closed) and their messages; a volunteer's role and the
    answers they wrote."""
    mine = Ticket.filter(platform=platform, user_id=user_id)
    messages = await TicketMessage.filter(ticket__platform=platform,
                                          ticket__user_id=user_id).count()
    answers = 0
    if platform == "telegram":  # the volunteers' group is on Telegram
        answers = await TicketMessage.filter(direction=OUT, author_id=user_id).count()
    role = await volunteers.one(platform, user_id)
    return {"tickets": await mine.count(), "ticket_messages": messages,
            "volunteer_answers": answers, "volunteer_role": 1 if role else 0}


async def forget_user(platform: str, user_id: str) -> None:
    """Delete a resident's tickets with their messages (the group's copies stay on Telegram);
    a volunteer loses the role and their name comes off their answers."""
    ids = await Ticket.filter(platform=platform, user_id=user_id).values_list("id", flat=True)
    if ids:
        await TicketMessage.filter(ticket_id__in=list(ids)).delete()
        await TicketPost.filter(ticket_id__in=list(ids)).delete()
        await Ticket.filter(id__in=list(ids)).delete()
    if platform == "telegram":  # the volunteers' group is on Telegram
        await TicketMessage.filter(direction=OUT, author_id=user_id).update(author_id="",
                                                                            author_name="")
        await Ticket.filter(claimed_by=user_id).update(claimed_by="-", claimed_name="")
        await volunteers.remove(platform, user_id)


class StoredTickets:
    """TicketReader over the database."""

    async def group(self) -> GroupView | None:
        """The volunteers' group."""
        return await volunteers.group()

    async def volunteer(self, platform: str, user_id: str) -> Volunteer | None:
        """The volunteer, if this person is one."""
        return await volunteers.one(platform, user_id)

    async def by_ref(self, ref: str) -> TicketView | None:
        """The ticket with this number."""
        return await by_ref(ref)

    async def open_of(self, platform: str, chat_id: str, user_id: str) -> TicketView | None:
        """A resident's open ticket."""
        return await open_of(platform, chat_id, user_id)

    async def in_group(self, chat_id: str, thread_id: str,
                       reply_to: str) -> TicketView | None:
        """The ticket a group message belongs to."""
        return await in_group(chat_id, thread_id, reply_to)

    async def open_tickets(self, limit: int) -> list[TicketView]:
        """Open tickets, oldest first."""
        return await open_tickets(limit)

    async def answer(self, answer_id: int) -> AnswerView | None:
        """One volunteer answer."""
        return await answer(answer_id)

    async def answers(self, ref: str) -> list[AnswerView]:
        """A ticket's answers."""
        return await answers(ref)
