"""Check-in at the door (issue 22): by code, a code one slip away offered (「是 RQZ8ZGQT
嗎？」), a look-up by name, a warning outside the event's day (with 仍要報到), and 復原報到
within 10 minutes. Only staff with a role for the event's district may check in."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.core.buttons import Press, choice
from bot.core.types import Choice, Context, Effect, Incoming, Text, Turn
from bot.events import codes, dates, policy
from bot.events.spec import CITYWIDE
from bot.events.view import EventView, RegistrationView
from bot.handlers.deps import Deps
from bot.handlers.events.show import district_name
from bot.proposals.view import ALL_DISTRICTS

PICK = "events.pick"  # staff: one registration to check in (a code shared, a slip, a name)
ANYWAY, UNDO = "events.checkin_anyway", "events.checkin_undo"
UNDO_WITHIN = timedelta(minutes=10)
MAX_OFFERS = 5
_LOOSE = re.compile(r"[\s\-_.]")


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


async def check_code(msg: Incoming, ctx: Context, deps: Deps, code: str) -> Turn:
    """Check in the registration with this code among the events this person handles; a
    code nobody has is compared with theirs, one slip away."""
    districts = await _districts(msg, deps)
    if not districts:
        return _say(ctx, deps, "events.staff.no_role")
    found = [(ev, r) for ev, r in await deps.events.by_code(code, deps.clock())
             if allowed(districts, ev)]
    if not found:
        return await near(msg, ctx, deps, code) or _say(ctx, deps, "events.staff.code_unknown",
                                                        code=code)
    if len(found) > 1:
        t, lang = deps.content.t, ctx.locale
        buttons = tuple(choice(f"{dates.day(deps.content, ev.starts, lang)} {ev.title}", PICK,
                               str(r.id)) for ev, r in found[:10])
        return Turn(ctx, (Text(t("events.staff.which", lang, code=code), buttons),),
                    meta={"intent": "staff"})
    return check_in(msg, ctx, deps, *found[0])


async def _registrations(msg: Incoming, deps: Deps) -> list[tuple[EventView, RegistrationView]]:
    """The seats of the upcoming events this person handles."""
    districts = await _districts(msg, deps)
    found = []
    for ev in await deps.events.for_staff(districts, deps.clock()):
        if allowed(districts, ev) and ev.status != "cancelled":
            found += [(ev, r) for r in await deps.events.attendees(ev.id)
                      if r.status == "registered"]
    return found


def one_slip(typed: str, code: str) -> bool:
    """True when typed is code with one character wrong, missing or extra."""
    if typed == code:
        return False
    if len(typed) == len(code):
        return sum(a != b for a, b in zip(typed, code, strict=True)) == 1
    short, long_ = sorted((typed, code), key=len)
    if len(long_) - len(short) != 1:
        return False
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


async def near(msg: Incoming, ctx: Context, deps: Deps, typed: str) -> Turn | None:
    """「是 RQZ8ZGQT 嗎？」: the codes one slip away from what was typed, to press."""
    word = _LOOSE.sub("", typed).upper()
    if not 1 <= len(word) <= codes.CODE_LENGTH + 1:
        return None
    close = [(ev, r) for ev, r in await _registrations(msg, deps) if one_slip(word, r.code)]
    if not close:
        return None
    lines = [deps.content.t("events.staff.slip", ctx.locale, code=r.code) for _, r in close]
    return _offer(ctx, deps, "\n".join(lines[:MAX_OFFERS]), close)


async def by_name(msg: Incoming, ctx: Context, deps: Deps, name: str) -> Turn | None:
    """The seats whose name contains what was typed, each a button to check in."""
    wanted = name.strip().casefold()
    if not wanted or codes.read_code(name) is not None:
        return None
    found = [(ev, r) for ev, r in await _registrations(msg, deps)
             if wanted in r.name.casefold()]
    if not found:
        return _say(ctx, deps, "events.staff.name_unknown", name=name.strip()[:20])
    text = deps.content.t("events.staff.by_name", ctx.locale, name=name.strip()[:20],
                          count=len(found))
    return _offer(ctx, deps, text, found)


def _offer(ctx: Context, deps: Deps, text: str,
           found: list[tuple[EventView, RegistrationView]]) -> Turn:
    buttons: list[Choice] = [
        choice(deps.content.t("events.staff.button.pick", ctx.locale, name=r.name, code=r.code,
                              title=ev.title), PICK, str(r.id)) for ev, r in found[:MAX_OFFERS]]
    return Turn(ctx, (Text(text, tuple(buttons)),), meta={"intent": "staff"})


async def _pressed(msg: Incoming, press: Press, ctx: Context, deps: Deps
                   ) -> tuple[EventView, RegistrationView] | Turn:
    reg = await deps.events.registration(int(press.arg)) if press.arg.isdigit() else None
    ev = await deps.events.event(reg.event_id) if reg else None
    refusal = await _refusal(msg, ctx, deps, ev)
    if refusal is not None or ev is None or reg is None:
        return refusal or _say(ctx, deps, "events.gone")
    return ev, reg


async def press_pick(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """One registration picked (a shared code, a slip, a name)."""
    found = await _pressed(msg, press, ctx, deps)
    return found if isinstance(found, Turn) else check_in(msg, ctx, deps, *found)


async def press_anyway(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """仍要報到: check in outside the event's day."""
    found = await _pressed(msg, press, ctx, deps)
    return found if isinstance(found, Turn) else check_in(msg, ctx, deps, *found, anyway=True)


async def press_undo(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """復原報到: within 10 minutes of the check-in."""
    found = await _pressed(msg, press, ctx, deps)
    if isinstance(found, Turn):
        return found
    ev, reg = found
    now = policy.aware(deps.clock())
    params = {"name": reg.name, "code": reg.code, "title": ev.title}
    if reg.checked_in_at is None:
        return _say(ctx, deps, "events.staff.undo_nothing", **params)
    if now - policy.aware(reg.checked_in_at) > UNDO_WITHIN:
        return _say(ctx, deps, "events.staff.undo_late", minutes=10, **params)
    since = (now - UNDO_WITHIN).isoformat()
    effect = Effect("event_checkin_undo", {"reg": reg.id, "since": since})
    turn = _say(ctx, deps, "events.staff.undone", **params)
    return Turn(turn.context, turn.replies, (effect,), turn.meta)


def check_in(msg: Incoming, ctx: Context, deps: Deps, ev: EventView,
             reg: RegistrationView, *, anyway: bool = False) -> Turn:
    """Mark them checked in (an effect; a second check-in says when the first was); on
    another day than the event's, ask first."""
    params = {"name": reg.name, "code": reg.code, "title": ev.title}
    if ev.status == "cancelled":
        return _say(ctx, deps, "events.staff.code_cancelled", **params)
    if reg.status != "registered":
        return _say(ctx, deps, "events.staff.code_waiting", **params)
    if reg.checked_in_at is not None:
        first = dates.moment(deps.content, reg.checked_in_at, ctx.locale)
        return _say(ctx, deps, "events.staff.checked_before", when=first, **params)
    now = policy.aware(deps.clock())
    t = deps.content.t
    if not anyway and dates.iso_day(now) != dates.iso_day(ev.starts):
        go = choice(t("events.staff.button.anyway", ctx.locale), ANYWAY, str(reg.id))
        text = t("events.staff.not_today", ctx.locale,
                 day=dates.day(deps.content, ev.starts, ctx.locale), **params)
        return Turn(ctx, (Text(text, (go,)),), meta={"intent": "staff"})
    effect = Effect("event_checkin", {"reg": reg.id, "now": now.isoformat()})
    text = t("events.staff.checked_in", ctx.locale, checked=ev.checked_in + 1,
             registered=ev.registered, **params)
    undo = choice(t("events.staff.button.undo", ctx.locale), UNDO, str(reg.id))
    return Turn(ctx, (Text(text, (undo,)),), (effect,), {"intent": "staff"})


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
