"""Tickets for volunteers and their leads: open, claimed and closed with age, who claimed,
time to first answer and to close; search of past tickets by words; a page per ticket with
its conversation, masked as in the volunteers' group."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aiohttp import web
from tortoise.expressions import Q
from tortoise.functions import Min
from tortoise.queryset import QuerySet

from bot.handlers.deps import DEPS
from bot.runtime.console.auth import TICKETS, Who, missing, page, refuse, render
from bot.storage.models import Ticket, TicketMessage
from bot.tickets.scrub import mask_contact

TABS = {"open": "待認領", "claimed": "處理中", "closed": "已結案"}
LIMIT = 300


@dataclass(frozen=True)
class Row:
    """A ticket in the list, with its times."""

    ticket: Ticket
    age: timedelta
    first_answer: timedelta | None
    to_close: timedelta | None


def _scope(who: Who, query: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Volunteers see every ticket (as in their group); district staff their districts'."""
    if who.roles.volunteer or who.everywhere:
        return query
    return query.filter(district__in=sorted(who.roles.districts))


def visible(who: Who, ticket: Ticket) -> bool:
    """True when this person may open the ticket."""
    return who.roles.volunteer or who.sees(str(ticket.district))


async def found(who: Who, tab: str, q: str) -> list[Row]:
    """The tab's tickets (all tabs when searching), newest first, with their times."""
    query = _scope(who, Ticket.all())
    if tab == "closed":
        query = query.filter(status="closed")
    elif tab in TABS:
        query = query.filter(status="open", claimed_by__isnull=tab == "open")
    for word in q.split():
        ids = await TicketMessage.filter(text__icontains=word).values_list("ticket_id",
                                                                          flat=True)
        query = query.filter(Q(question__icontains=word) | Q(id__in=list(ids)))
    rows = await query.order_by("-created_at", "-id").limit(LIMIT)
    firsts = await first_answers([r.id for r in rows])
    now = datetime.now(UTC)
    return [Row(r, now - r.created_at, _since(r.created_at, firsts.get(r.id)),
                _since(r.created_at, r.closed_at)) for r in rows]


async def first_answers(ids: list[int]) -> dict[int, datetime]:
    """Ticket id -> when a volunteer first answered."""
    if not ids:
        return {}
    rows = await TicketMessage.filter(ticket_id__in=ids, direction="out").group_by(
        "ticket_id").annotate(first=Min("created_at")).values("ticket_id", "first")
    return {int(r["ticket_id"]): _aware(r["first"]) for r in rows if r["first"]}


def _aware(value: datetime | str) -> datetime:
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _since(start: datetime, end: datetime | None) -> timedelta | None:
    return None if end is None else end - start


@page(TICKETS)
async def listing(request: web.Request, who: Who) -> web.Response:
    """/staff/tickets?tab=open|claimed|closed&q=words"""
    q = request.query.get("q", "").strip()[:60]
    tab = request.query.get("tab", "" if q else "open")
    rows = await found(who, tab if tab in TABS else "", q)
    return render(request, "tickets.html", who, title="志工提問單", rows=rows, tab=tab, q=q,
                  tabs=TABS)


@page(TICKETS)
async def item(request: web.Request, who: Who) -> web.Response:
    """/staff/ticket?ref=...: the conversation, masked as in the group."""
    ticket = await Ticket.get_or_none(ref=request.query.get("ref", "")[:12])
    if ticket is None:
        return missing(request, who)
    if not visible(who, ticket):
        return refuse(request, who)
    mask = request.app[DEPS].content.t("handoff.masked")
    messages = await TicketMessage.filter(ticket_id=ticket.id).order_by("created_at", "id")
    shown = [(m, mask_contact(m.text, mask) if m.direction == "in" else m.text)
             for m in messages]
    first = (await first_answers([ticket.id])).get(ticket.id)
    return render(request, "ticket.html", who, title=f"提問單 {ticket.ref}", ticket=ticket,
                  question=mask_contact(ticket.question, mask), messages=shown,
                  first=_since(ticket.created_at, first),
                  to_close=_since(ticket.created_at, ticket.closed_at))


def add_routes(app: web.Application) -> None:
    """The ticket pages."""
    app.router.add_get("/staff/tickets", listing)
    app.router.add_get("/staff/ticket", item)
