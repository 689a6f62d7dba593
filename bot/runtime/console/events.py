"""Walks and courses: upcoming and past events with registered / capacity / waiting / checked
in; an event's page with its attendees, check-in and undo by click, search, export."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web
from tortoise.transactions import in_transaction

from bot.core.types import Effect, Incoming
from bot.events import export
from bot.events.view import EventView, RegistrationView
from bot.handlers.deps import DEPS
from bot.handlers.events.checkin import allowed
from bot.runtime.console.auth import Who, back, missing, number, page, refuse, render
from bot.runtime.console.sheets import table
from bot.runtime.effects import apply_effect
from bot.storage import console as audit
from bot.storage import events as stored
from bot.storage import events_seats
from bot.storage.conversations import Conflict
from bot.storage.models import Event

FLASH = {"in": "已報到。", "undo": "已取消報到。", "already": "這位已經報到過了。",
         "none": "這位尚未報到，沒有可取消的報到。",
         "notseat": "只有已取得名額的報名者可以報到（候補中或保留名額中的還不行）。"}


async def listing_of(who: Who, past: bool, q: str) -> list[EventView]:
    """The events this person may see: upcoming soonest first, or past newest first."""
    now = datetime.now(UTC)
    query = Event.filter(ends__lte=now) if past else Event.filter(ends__gt=now)
    if not who.everywhere:  # city-wide events belong to every-district staff (as in the chat)
        query = query.filter(district__in=sorted(who.roles.districts))
    if q:
        query = query.filter(title__icontains=q)
    rows = await query.order_by("-starts" if past else "starts", "id").limit(300)
    counts = await stored.counts_of(r.id for r in rows)
    return [stored.event_view(r, counts.get(r.id)) for r in rows]


@page()
async def listing(request: web.Request, who: Who) -> web.Response:
    """/staff/events?when=upcoming|past"""
    past = request.query.get("when") == "past"
    q = request.query.get("q", "").strip()[:40]
    found = await listing_of(who, past, q)
    t = request.app[DEPS].content.t
    return render(request, "events.html", who, title="走讀與課程", found=found, past=past, q=q,
                  kind=lambda k: t(f"events.kind.{k}"))


async def _event(request: web.Request, who: Who, event_id: str) -> EventView | web.Response:
    ev = await stored.get(event_id) if 0 < len(event_id) <= 64 else None  # ids are <= 64
    if ev is None:
        return missing(request, who)
    return ev if allowed(who.roles.districts, ev) else refuse(request, who)


def _search(people: list[RegistrationView], q: str) -> list[RegistrationView]:
    words = q.casefold().split()
    return [r for r in people if all(w in r.name.casefold() or w.upper() == r.code
                                     for w in words)]


@page()
async def item(request: web.Request, who: Who) -> web.Response:
    """/staff/event?id=...&q=...: the attendee list with check-in buttons."""
    ev = await _event(request, who, request.query.get("id", ""))
    if isinstance(ev, web.Response):
        return ev
    q = request.query.get("q", "").strip()[:40]
    people = _search(await stored.attendees(ev.id), q)
    t = request.app[DEPS].content.t
    return render(request, "event.html", who, title=ev.title, ev=ev, people=people, q=q,
                  state=lambda s: t(f"events.export.status.{s}"), kind=t(f"events.kind.{ev.kind}"),
                  flash=FLASH.get(request.query.get("done", ""), ""),
                  trail=await audit.trail("event", ev.id))


@page()
async def download(request: web.Request, who: Who) -> web.Response:
    """/staff/event/export?id=...&format=csv|xlsx: the attendee list (search applied)."""
    ev = await _event(request, who, request.query.get("id", ""))
    if isinstance(ev, web.Response):
        return ev
    content = request.app[DEPS].content
    people = _search(await stored.attendees(ev.id), request.query.get("q", "").strip())
    rows = [[export.row(ev, r, content)[c] for c in export.COLUMNS] for r in people]
    headers = [content.t(f"events.export.col.{c}") for c in export.COLUMNS]
    return table(headers, rows, request.query.get("format", "csv"), f"attendees-{ev.id}")


@page()
async def check(request: web.Request, who: Who) -> web.StreamResponse:
    """POST /staff/event/checkin: check in (the chat's effect) or undo, with the audit."""
    form = await request.post()
    ev = await _event(request, who, str(form.get("id", "")))
    if isinstance(ev, web.Response):
        return ev
    reg_id = number(form.get("reg"))
    reg = await stored.registration(reg_id) if reg_id is not None else None
    if reg is None or reg.event_id != ev.id:
        return missing(request, who)
    undo = form.get("undo") == "1"
    done = await (_undo(who, ev, reg) if undo else _check_in(who, ev, reg))
    return back(f"/staff/event?id={ev.id}&done={done}#reg-{reg.id}")


async def _check_in(who: Who, ev: EventView, reg: RegistrationView) -> str:
    if reg.status != "registered":
        return "notseat"
    msg = Incoming(platform=who.platform, chat_id=who.user_id, user_id=who.user_id)
    try:
        async with in_transaction():
            await apply_effect(msg, Effect("event_checkin", {
                "reg": reg.id, "now": datetime.now(UTC).isoformat()}))
            await audit.audit("event", ev.id, f"check-in {reg.code}", who.actor)
    except Conflict:
        return "already"
    return "in"


async def _undo(who: Who, ev: EventView, reg: RegistrationView) -> str:
    async with in_transaction():
        if not await events_seats.undo_any_check_in(reg.id):
            return "none"
        await audit.audit("event", ev.id, f"undo check-in {reg.code}", who.actor)
    return "undo"


def add_routes(app: web.Application) -> None:
    """The event pages."""
    app.router.add_get("/staff/events", listing)
    app.router.add_get("/staff/event", item)
    app.router.add_get("/staff/event/export", download)
    app.router.add_post("/staff/event/checkin", check)
