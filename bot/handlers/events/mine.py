"""「我的報名」: registrations and places in line; cancel (with a confirm step); take or refuse a
seat offered from the waiting list. The changes are effects, checked under the event's lock."""

from __future__ import annotations

from dataclasses import replace

from bot.core.buttons import Press, choice
from bot.core.types import Card, Carousel, Choice, Context, Effect, Incoming, Text, Turn
from bot.events import policy
from bot.events.view import EventView, RegistrationView
from bot.handlers import menu
from bot.handlers.deps import Deps
from bot.handlers.events.browse import BROWSE
from bot.handlers.events.show import (
    CANCEL,
    basics,
    ics_url,
    offer_buttons,
    registered_card,
    status_line,
    when,
)

CONFIRM, KEEP = "events.cancel_yes", "events.keep"
MAX_CARDS = 10


async def my_events(msg: Incoming, ctx: Context, deps: Deps, lang: str) -> Turn:
    """The user's registrations for events not yet over, soonest first, as cards."""
    t = deps.content.t
    mine = await deps.events.of_user(msg.platform, msg.user_id, deps.clock())
    ctx = replace(ctx, locale=lang)
    meta = {"intent": "myevents"}
    if not mine:
        buttons = (choice(t("menu.events", lang), BROWSE), choice(t("button.menu", lang), "menu"))
        return Turn(ctx, (Text(t("events.mine.none", lang), buttons),), meta=meta)
    cards = tuple(_card(deps, ev, reg, lang) for ev, reg in mine[:MAX_CARDS])
    follow = (choice(t("menu.events", lang), BROWSE), choice(t("button.menu", lang), "menu"))
    intro = t("events.mine.title", lang, count=len(mine))
    return Turn(ctx, (Carousel(cards, intro, follow),), meta=meta)


async def press_mine(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """The 我的報名 button."""
    return await my_events(msg, ctx, deps, ctx.locale)


def _card(deps: Deps, ev: EventView, reg: RegistrationView, lang: str) -> Card:
    t = deps.content.t
    fields = (*basics(deps, ev, lang),
              (t("events.field.status", lang), status_line(deps, ev, reg, lang)))
    key = "events.button.cancel_wait" if reg.status == "waiting" else "events.button.cancel"
    buttons: tuple[Choice, ...] = (choice(t(key, lang), CANCEL, str(reg.id)),)
    if ev.status != "scheduled":
        buttons = ()
    elif reg.status == "offered":
        buttons = offer_buttons(deps, reg, lang)
    seated = reg.status == "registered" and ev.status == "scheduled"
    return Card(ev.title, "", buttons, ics_url(deps, reg) if seated else "", fields,
                url_label=t("events.ics_label", lang) if seated else "")


async def _own(msg: Incoming, press: Press, deps: Deps
               ) -> tuple[EventView, RegistrationView] | None:
    """The registration a button names, when it is the presser's and its event exists."""
    reg = await deps.events.registration(int(press.arg)) if press.arg.isdigit() else None
    if reg is None or (reg.platform, reg.user_id) != (msg.platform, msg.user_id):
        return None
    ev = await deps.events.event(reg.event_id)
    return (ev, reg) if ev is not None else None


async def press_cancel(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """取消報名 / 取消候補: ask once more."""
    lang, t = ctx.locale, deps.content.t
    found = await _own(msg, press, deps)
    if found is None:
        return _say(ctx, deps, "events.cancel.gone")
    ev, reg = found
    key = "events.cancel.confirm_wait" if reg.status == "waiting" else "events.cancel.confirm"
    text = t(key, lang, title=ev.title, **when(deps, ev, lang))
    buttons = (choice(t("events.button.cancel_yes", lang), CONFIRM, str(reg.id)),
               choice(t("events.button.keep", lang), KEEP))
    return Turn(ctx, (Text(text, buttons),), meta={"intent": "myevents"})


async def press_confirm(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """確定取消: drop the registration (the effect offers a freed seat to the next in line)."""
    lang, t = ctx.locale, deps.content.t
    found = await _own(msg, press, deps)
    if found is None:
        return _say(ctx, deps, "events.cancel.gone")
    ev, reg = found
    effect = Effect("event_cancel", {"reg": reg.id,
                                     "now": policy.aware(deps.clock()).isoformat()})
    key = "events.cancel.done_wait" if reg.status == "waiting" else "events.cancel.done"
    reply = Text(t(key, lang, title=ev.title), (choice(t("menu.events", lang), BROWSE),
                                                choice(t("button.menu", lang), "menu")))
    return Turn(ctx, (reply,), (effect,), {"intent": "myevents"})


def press_keep(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """保留: nothing changes."""
    return _say(ctx, deps, "events.cancel.kept")


async def press_accept(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """接受名額: the held seat becomes a registration, if the offer still stands."""
    lang = ctx.locale
    found = await _own(msg, press, deps)
    if found is None:
        return _say(ctx, deps, "events.offer.expired")
    ev, reg = found
    now = deps.clock()
    if reg.status == "registered":
        return Turn(ctx, (registered_card(deps, ev, reg, lang),), meta={"intent": "myevents"})
    if not policy.offer_stands(ev, reg, now):
        return _say(ctx, deps, "events.offer.expired")
    effect = Effect("event_accept", {"reg": reg.id, "now": policy.aware(now).isoformat()})
    card = registered_card(deps, ev, replace(reg, status="registered"), lang)
    return Turn(ctx, (card,), (effect,), {"intent": "myevents", "outcome": "registered"})


async def press_refuse(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """不用了: the held seat goes to the next in line."""
    found = await _own(msg, press, deps)
    if found is None or found[1].status != "offered":
        return _say(ctx, deps, "events.offer.expired")
    effect = Effect("event_refuse", {"reg": found[1].id,
                                     "now": policy.aware(deps.clock()).isoformat()})
    return Turn(ctx, (Text(deps.content.t("events.offer.refused", ctx.locale),
                           menu.menu_choices(deps, ctx.locale)),), (effect,),
                {"intent": "myevents"})


def _say(ctx: Context, deps: Deps, key: str) -> Turn:
    reply = Text(deps.content.t(key, ctx.locale), menu.menu_choices(deps, ctx.locale))
    return Turn(ctx, (reply,), meta={"intent": "myevents"})
