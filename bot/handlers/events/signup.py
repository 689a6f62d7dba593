"""Signing up: 報名 → consent to what is stored → name (→ phone when the host needs it) →
a seat with a code and a calendar link, or a place on the waiting list.

Flow data (ctx.data while state is "event_signup"): event (id), stage (consent | name |
phone), name. The seat itself is taken by the effect "event_register" under a lock on the
event; if the handler's reading no longer holds (the last seat went meanwhile), the effect
makes the dispatcher re-run this turn on fresh data, so the reply says what really happened.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.core.buttons import Press, choice
from bot.core.types import Context, Effect, Incoming, Reply, Text, Turn
from bot.events import codes, policy
from bot.events.view import EventView, RegistrationView
from bot.handlers import menu
from bot.handlers.deps import Deps
from bot.handlers.events.show import CANCEL, MINE, offer_text, registered_card, when
from bot.proposals.fields import clean, parse_phone

STATE = "event_signup"
CONSENT, USE_NAME = "events.consent", "events.use_name"
NAME_MIN, NAME_MAX = 1, 20


async def press_register(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """A card's 報名 button (valid whenever pressed)."""
    lang = ctx.locale
    if msg.is_group:
        return _say(ctx, deps, "events.in_group", lang)
    ev = await deps.events.event(press.arg)
    refusal = unavailable(ctx, deps, ev, deps.clock(), lang)
    if refusal is not None or ev is None:
        return refusal or _say(ctx, deps, "events.gone", lang)
    mine = await deps.events.registration_of(ev.id, msg.platform, msg.user_id)
    if mine is not None:
        return already(ctx, deps, ev, mine, lang)
    return consent(ctx, deps, ev, lang)


def unavailable(ctx: Context, deps: Deps, ev: EventView | None, now: datetime,
                lang: str) -> Turn | None:
    """Why nobody can sign up (gone, cancelled, closed), or None."""
    if ev is None:
        return _say(ctx, deps, "events.gone", lang)
    if ev.status == "cancelled":
        return _say(ctx, deps, "events.event_cancelled", lang, title=ev.title)
    if not policy.signup_open(ev, now):
        return _say(ctx, deps, "events.closed", lang, title=ev.title)
    return None


def already(ctx: Context, deps: Deps, ev: EventView, reg: RegistrationView, lang: str) -> Turn:
    """A second sign-up: the code (or the place in line, or the held seat)."""
    t = deps.content.t
    ctx = menu.idle(ctx, lang)
    if reg.status == "offered":
        return Turn(ctx, (offer_text(deps, ev, reg, lang),), meta={"intent": "register"})
    key = "events.already.waiting" if reg.status == "waiting" else "events.already.registered"
    text = t(key, lang, title=ev.title, place=reg.place if reg.status == "waiting" else ev.place,
             code=reg.code, **when(deps, ev, lang))
    cancel_key = "events.button.cancel_wait" if reg.status == "waiting" else "events.button.cancel"
    buttons = (choice(t("menu.myevents", lang), MINE), choice(t(cancel_key, lang), CANCEL,
                                                               str(reg.id)))
    return Turn(ctx, (Text(text, buttons),), meta={"intent": "register"})


def consent(ctx: Context, deps: Deps, ev: EventView, lang: str) -> Turn:
    """What will be stored, and for whom; 同意並報名 (同意並候補 when full) or 不同意."""
    t = deps.content.t
    key = "events.consent_phone" if ev.needs_phone else "events.consent"
    text = t(key, lang, title=ev.title, place=ev.place, host=ev.host, **when(deps, ev, lang))
    full = policy.outcome(ev, deps.clock()) == "waiting"
    if full:
        text += "\n" + t("events.consent_full", lang, waiting=ev.waiting)
    agree = t("events.button.agree_wait" if full else "events.button.agree", lang)
    buttons = (choice(agree, CONSENT, "y"),
               choice(t("events.button.disagree", lang), CONSENT, "n"))
    data = {"event": ev.id, "stage": "consent"}
    return Turn(replace(ctx, state=STATE, data=data, locale=lang), (Text(text, buttons),),
                meta={"intent": "register"})


async def press_consent(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """同意: ask the name; 不同意: nothing stored."""
    if ctx.state != STATE or ctx.data.get("stage") != "consent":
        return menu.stale(ctx, deps)
    lang = ctx.locale
    if press.arg != "y":
        reply = Text(deps.content.t("events.declined", lang), menu.menu_choices(deps, lang))
        return Turn(menu.idle(ctx, lang), (reply,), meta={"intent": "register"})
    return await _ask_name(msg, ctx, deps)


async def _ask_name(msg: Incoming, ctx: Context, deps: Deps, lead: tuple[Reply, ...] = ()
                    ) -> Turn:
    lang, t = ctx.locale, deps.content.t
    last = await deps.events.last_name(msg.platform, msg.user_id)
    buttons = (choice(t("events.use_name", lang, name=last), USE_NAME),) if last else ()
    text = t("events.ask_name", lang, min=NAME_MIN, max=NAME_MAX)
    ctx = replace(ctx, data={**ctx.data, "stage": "name"})
    return Turn(ctx, (*lead, Text(text, buttons)), meta={"intent": "register"})


async def press_name(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """用「上次的名字」."""
    last = await deps.events.last_name(msg.platform, msg.user_id)
    if ctx.state != STATE or ctx.data.get("stage") != "name" or not last:
        return menu.stale(ctx, deps)
    return await _after_name(msg, ctx, deps, last)


async def on_text(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    """Typed text in the sign-up: the name, the phone, or a hint at the consent step."""
    lang, t, stage = ctx.locale, deps.content.t, ctx.data.get("stage")
    if stage == "name":
        name = clean(msg.text)
        if not NAME_MIN <= len(name) <= NAME_MAX or "\n" in name:
            lead = (Text(t("events.name_bad", lang, min=NAME_MIN, max=NAME_MAX)),)
            return await _ask_name(msg, ctx, deps, lead)
        return await _after_name(msg, ctx, deps, name)
    if stage == "phone":
        phone = parse_phone(msg.text)
        if not phone.ok:
            return _say(ctx, deps, "events.phone_bad", lang)
        return await finish(msg, ctx, deps, str(ctx.data.get("name", "")), str(phone.value))
    ev = await deps.events.event(str(ctx.data.get("event", "")))
    if ev is None:
        return _say(menu.idle(ctx, lang), deps, "events.gone", lang)
    turn = consent(ctx, deps, ev, lang)
    return replace(turn, replies=(Text(t("events.hint", lang)), *turn.replies))


async def _after_name(msg: Incoming, ctx: Context, deps: Deps, name: str) -> Turn:
    ev = await deps.events.event(str(ctx.data.get("event", "")))
    if ev is not None and ev.needs_phone:
        data = {**ctx.data, "stage": "phone", "name": name}
        return _say(replace(ctx, data=data), deps, "events.ask_phone", ctx.locale)
    return await finish(msg, ctx, deps, name, None)


async def finish(msg: Incoming, ctx: Context, deps: Deps, name: str,
                 phone: str | None) -> Turn:
    """Take the seat (or the place in line) as read now; the effect checks it still holds."""
    lang, now = ctx.locale, deps.clock()
    ev = await deps.events.event(str(ctx.data.get("event", "")))
    idle = menu.idle(ctx, lang)
    refusal = unavailable(idle, deps, ev, now, lang)
    if refusal is not None or ev is None:
        return refusal or _say(idle, deps, "events.gone", lang)
    mine = await deps.events.registration_of(ev.id, msg.platform, msg.user_id)
    if mine is not None:
        return already(idle, deps, ev, mine, lang)
    expect = policy.outcome(ev, now)
    place = ev.waiting + 1 if expect == "waiting" else 0
    reg = RegistrationView(id=0, event_id=ev.id, platform=msg.platform, user_id=msg.user_id,
                           chat_id=msg.chat_id, status=expect, code=codes.new_code(),
                           token=codes.new_token(), name=name, phone=phone, locale=lang,
                           place=place)
    effect = Effect("event_register", {
        "event": ev.id, "expect": expect, "place": place, "name": name, "phone": phone,
        "code": reg.code, "token": reg.token, "locale": lang,
        "now": policy.aware(now).isoformat()})
    return Turn(idle, (_confirmation(deps, ev, reg, lang),), (effect,),
                {"intent": "register", "outcome": expect})


def _confirmation(deps: Deps, ev: EventView, reg: RegistrationView, lang: str) -> Reply:
    if reg.status == "registered":
        return registered_card(deps, ev, reg, lang)
    t = deps.content.t
    text = t("events.waiting", lang, title=ev.title, place=reg.place, hours=policy.OFFER_HOURS)
    return Text(text, (choice(t("menu.myevents", lang), MINE), choice(t("button.menu", lang),
                                                                       "menu")))


def _say(ctx: Context, deps: Deps, key: str, lang: str, **params: object) -> Turn:
    return Turn(ctx, (Text(deps.content.t(key, lang, **params)),), meta={"intent": "register"})
