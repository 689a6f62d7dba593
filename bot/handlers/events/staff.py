"""The district office: /events (upcoming events with registered / capacity / waiting and a
button per attendee list) and check-in by code (/checkin CODE, or the bare code as a reply to
the bot in the staff group, or after /events in a private chat).

Only people with a role for the event's district (or every district) may list or check in.
Telegram's privacy mode shows the bot only commands, replies to it and mentions, so a bare
code typed in the group counts only as a reply to one of the bot's messages.
"""

from __future__ import annotations

from dataclasses import replace

from bot.core.buttons import Press, choice
from bot.core.types import Context, Incoming, Text, Turn
from bot.events import codes, dates
from bot.events.view import EventView, RegistrationView
from bot.handlers import menu, roles
from bot.handlers.deps import Deps
from bot.handlers.events.checkin import (
    _districts,
    _refusal,
    _say,
    by_name,
    check_code,
    near,
)
from bot.handlers.events.show import when
from bot.handlers.faq import answer as qa
from bot.proposals.view import ALL_DISTRICTS

CHECKIN_STATE = "event_checkin"  # after /events: a bare code (or a name) checks someone in
LIST = "events.roster"  # staff: an event's list
COMMAND = "/checkin"


async def intercept(msg: Incoming, ctx: Context, deps: Deps) -> Turn | None:
    """/checkin CODE, or a bare code where staff send one; None for anything else."""
    text = msg.text.strip()
    head, _, rest = text.partition(" ")
    if head.lower() == COMMAND:
        code = codes.read_code(rest)
        if code is None:  # a slip of the code, or a name
            found = await near(msg, ctx, deps, rest) if rest.strip() else None
            found = found or (await by_name(msg, ctx, deps, rest) if _named(rest) else None)
            return found or _say(ctx, deps, "events.staff.usage")
        return await check_code(msg, ctx, deps, code)
    code = codes.read_code(text)
    if code is not None and (ctx.state == CHECKIN_STATE or (msg.is_group and msg.reply_to)):
        return await check_code(msg, ctx, deps, code)
    return None


async def on_text(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    """Text after /events that is not a code: a slip of one, or a name to look up; else leave
    check-in mode (in a staff chat the role's help answers, elsewhere the FAQ)."""
    found = await near(msg, ctx, deps, msg.text) or (
        await by_name(msg, ctx, deps, msg.text) if _named(msg.text) else None)
    if found is not None:
        return found
    role = await deps.chats.role_of(msg.platform, msg.chat_id) if msg.is_group else None
    if role is not None:  # a staff chat: no resident's answer to a clerk's words
        return roles.not_for_here(msg, menu.idle(ctx, role.lang), deps, role)
    return await qa.answer_text(msg, menu.idle(ctx, ctx.locale), deps)


def _named(text: str) -> bool:
    """Looks like a name (has a letter that no code has: CJK, or mixed case words)."""
    text = text.strip()
    return 1 <= len(text) <= 20 and any("\u4e00" <= ch <= "\u9fff" for ch in text)


async def list_events(msg: Incoming, ctx: Context, deps: Deps, lang: str) -> Turn:
    """/events: the districts' upcoming events, each with its counts and a list button."""
    t = deps.content.t
    districts = await _districts(msg, deps)
    if not districts:
        return _say(replace(ctx, locale=lang), deps, "events.staff.no_role")
    found = await deps.events.for_staff(districts, deps.clock())
    names = "、".join(sorted(d for d in districts if d != ALL_DISTRICTS)) or \
        t("events.citywide", lang)
    ctx = replace(ctx, state=CHECKIN_STATE, data={}, locale=lang)
    if not found:
        return _say(ctx, deps, "events.staff.none", districts=names)
    lines = [t("events.staff.title", lang, districts=names)]
    lines += [_item(deps, n, ev, lang) for n, ev in enumerate(found, 1)]
    lines.append(t("events.staff.hint", lang))
    buttons = tuple(choice(t("events.staff.button.attendees", lang, n=n), LIST, ev.id)
                    for n, ev in enumerate(found, 1))
    return Turn(ctx, (Text("\n".join(lines), buttons[:12]),), meta={"intent": "staff"})


def _item(deps: Deps, n: int, ev: EventView, lang: str) -> str:
    key = "events.staff.item_cancelled" if ev.status == "cancelled" else "events.staff.item"
    return deps.content.t(key, lang, n=n, title=ev.title, registered=ev.registered,
                          capacity=ev.capacity, waiting=ev.waiting, checked=ev.checked_in,
                          **when(deps, ev, lang))


async def press_list(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """名單 n: names and codes (phones only where collected), then the waiting list."""
    ev = await deps.events.event(press.arg)
    refusal = await _refusal(msg, ctx, deps, ev)
    if refusal is not None or ev is None:
        return refusal or _say(ctx, deps, "events.gone")
    lang, t = ctx.locale, deps.content.t
    people = await deps.events.attendees(ev.id)
    lines = [t("events.staff.attendees", lang, title=ev.title, registered=ev.registered,
               capacity=ev.capacity, waiting=ev.waiting, checked=ev.checked_in,
               **when(deps, ev, lang))]
    seated = [r for r in people if r.status != "waiting"]
    lines += [_attendee(deps, n, r, lang) for n, r in enumerate(seated, 1)]
    line = [r for r in people if r.status == "waiting"]
    if line:
        lines.append(t("events.staff.waiting_title", lang))
        lines += [_attendee(deps, r.place, r, lang) for r in line]
    if not people:
        lines.append(t("events.staff.nobody", lang))
    return Turn(ctx, (Text("\n".join(lines)),), meta={"intent": "staff"})


def _attendee(deps: Deps, n: int, r: RegistrationView, lang: str) -> str:
    t = deps.content.t
    phone = t("events.staff.phone", lang, phone=r.phone) if r.phone else ""
    mark = t("events.staff.checked_mark", lang, time=dates.clock(r.checked_in_at)) \
        if r.checked_in_at else ""
    if r.status == "offered":
        mark += t("events.staff.offered_mark", lang)
    return t("events.staff.attendee", lang, n=n, name=r.name, code=r.code, phone=phone,
             checked=mark)


