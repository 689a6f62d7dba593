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
from bot.core.types import Context, Effect, Incoming, Text, Turn
from bot.events import codes, dates, policy
from bot.events.spec import CITYWIDE
from bot.events.view import EventView, RegistrationView
from bot.handlers import menu
from bot.handlers.deps import Deps
from bot.handlers.events.show import district_name, when
from bot.handlers.faq import answer as qa
from bot.proposals.view import ALL_DISTRICTS

CHECKIN_STATE = "event_checkin"  # after /events: a bare code checks someone in
LIST, PICK = "events.roster", "events.pick"  # staff: an event's list, pick for check-in
COMMAND = "/checkin"


async def intercept(msg: Incoming, ctx: Context, deps: Deps) -> Turn | None:
    """/checkin CODE, or a bare code where staff send one; None for anything else."""
    text = msg.text.strip()
    head, _, rest = text.partition(" ")
    if head.lower() == COMMAND:
        code = codes.read_code(rest)
        if code is None:
            return _say(ctx, deps, "events.staff.usage")
        return await check_code(msg, ctx, deps, code)
    code = codes.read_code(text)
    if code is not None and (ctx.state == CHECKIN_STATE or (msg.is_group and msg.reply_to)):
        return await check_code(msg, ctx, deps, code)
    return None


async def on_text(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    """Text after /events that is not a code: leave check-in mode and answer as usual."""
    return await qa.answer_text(msg, menu.idle(ctx, ctx.locale), deps)


async def _districts(msg: Incoming, deps: Deps) -> frozenset[str]:
    """What this person may see here: their roles, narrowed to the staff chat's district."""
    mine = await deps.proposals.staff_districts(msg.platform, msg.user_id)
    here = await deps.events.chat_district(msg.platform, msg.chat_id)
    if here is None:
        return mine
    return frozenset({here}) if here in mine or ALL_DISTRICTS in mine else frozenset()


def allowed(districts: frozenset[str], ev: EventView) -> bool:
    """True when a role covers the event's district (city-wide events: every-district staff)."""
    return ALL_DISTRICTS in districts or (ev.district != CITYWIDE and ev.district in districts)


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


async def check_code(msg: Incoming, ctx: Context, deps: Deps, code: str) -> Turn:
    """Check in the registration with this code among the events this person handles."""
    districts = await _districts(msg, deps)
    if not districts:
        return _say(ctx, deps, "events.staff.no_role")
    found = [(ev, r) for ev, r in await deps.events.by_code(code, deps.clock())
             if allowed(districts, ev)]
    if not found:
        return _say(ctx, deps, "events.staff.code_unknown", code=code)
    if len(found) > 1:
        t, lang = deps.content.t, ctx.locale
        buttons = tuple(choice(f"{dates.day(deps.content, ev.starts, lang)} {ev.title}", PICK,
                               str(r.id)) for ev, r in found[:10])
        return Turn(ctx, (Text(t("events.staff.which", lang, code=code), buttons),),
                    meta={"intent": "staff"})
    return check_in(msg, ctx, deps, *found[0])


async def press_pick(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """One of several events sharing a code."""
    reg = await deps.events.registration(int(press.arg)) if press.arg.isdigit() else None
    ev = await deps.events.event(reg.event_id) if reg else None
    refusal = await _refusal(msg, ctx, deps, ev)
    if refusal is not None or ev is None or reg is None:
        return refusal or _say(ctx, deps, "events.gone")
    return check_in(msg, ctx, deps, ev, reg)


def check_in(msg: Incoming, ctx: Context, deps: Deps, ev: EventView,
             reg: RegistrationView) -> Turn:
    """Mark them checked in (an effect; a second check-in says when the first was)."""
    params = {"name": reg.name, "code": reg.code, "title": ev.title}
    if ev.status == "cancelled":
        return _say(ctx, deps, "events.staff.code_cancelled", **params)
    if reg.status != "registered":
        return _say(ctx, deps, "events.staff.code_waiting", **params)
    if reg.checked_in_at is not None:
        first = dates.moment(deps.content, reg.checked_in_at, ctx.locale)
        return _say(ctx, deps, "events.staff.checked_before", when=first, **params)
    now = policy.aware(deps.clock())
    effect = Effect("event_checkin", {"reg": reg.id, "now": now.isoformat()})
    text = deps.content.t("events.staff.checked_in", ctx.locale, checked=ev.checked_in + 1,
                          registered=ev.registered, **params)
    return Turn(ctx, (Text(text),), (effect,), {"intent": "staff"})


async def _refusal(msg: Incoming, ctx: Context, deps: Deps, ev: EventView | None
                   ) -> Turn | None:
    if ev is None:
        return _say(ctx, deps, "events.gone")
    if allowed(await _districts(msg, deps), ev):
        return None
    return _say(ctx, deps, "events.staff.refused",
                district=district_name(deps, ev.district, ctx.locale))


def _say(ctx: Context, deps: Deps, key: str, **params: object) -> Turn:
    return Turn(ctx, (Text(deps.content.t(key, ctx.locale, **params)),),
                meta={"intent": "staff"})


