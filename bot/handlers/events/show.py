"""How events read: cards for browsing, the sign-up confirmation, offers, reminders and
notices of changes (pure functions of content and views; handlers reply with them, jobs push
them)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.core.buttons import choice
from bot.core.types import Card, Choice, Text
from bot.events import dates, policy
from bot.events.spec import CITYWIDE
from bot.events.view import EventView, RegistrationView
from bot.handlers.deps import Deps

REGISTER, ACCEPT, REFUSE, CANCEL, MINE = (
    "events.register", "events.accept", "events.refuse", "events.cancel", "myevents")


def ics_url(deps: Deps, reg: RegistrationView) -> str:
    """The registration's calendar file (an unguessable link)."""
    return f"{deps.public_url}/e/{reg.token}.ics"


def when(deps: Deps, ev: EventView, lang: str) -> dict[str, str]:
    """date (with weekday) and time (from-to) of an event, for templates."""
    c = deps.content
    return {"date": dates.day(c, ev.starts, lang),
            "time": dates.hours(c, ev.starts, ev.ends, lang)}


def basics(deps: Deps, ev: EventView, lang: str) -> tuple[tuple[str, str], ...]:
    """The date, time and place rows of a card."""
    t, w = deps.content.t, when(deps, ev, lang)
    return ((t("events.field.date", lang), w["date"]), (t("events.field.time", lang), w["time"]),
            (t("events.field.place", lang), ev.place))


def district_name(deps: Deps, district: str, lang: str) -> str:
    """A district as shown (全市 translated)."""
    return deps.content.t("events.citywide", lang) if district == CITYWIDE else district


def seats(deps: Deps, ev: EventView, now: datetime, lang: str) -> str:
    """Seats left, 「額滿，可候補」, or 「報名已截止」."""
    t = deps.content.t
    if not policy.signup_open(ev, now):
        return t("events.seats.closed", lang)
    if policy.outcome(ev, now) == "waiting":
        return t("events.seats.full", lang)
    return t("events.seats.left", lang, left=ev.seats_left, capacity=ev.capacity)


def event_card(deps: Deps, ev: EventView, now: datetime, lang: str) -> Card:
    """An event for browsing: date, time, place, seats; summary; a 報名 (or 候補) button."""
    t = deps.content.t
    fields = (*basics(deps, ev, lang), (t("events.field.seats", lang), seats(deps, ev, now, lang)))
    buttons: tuple[Choice, ...] = ()
    if policy.signup_open(ev, now):
        key = "events.button.register" if policy.outcome(ev, now) == "registered" \
            else "events.button.waitlist"
        buttons = (choice(t(key, lang), REGISTER, ev.id),)
    footer = t("events.card.footer", lang, kind=t(f"events.kind.{ev.kind}", lang),
               district=district_name(deps, ev.district, lang), host=ev.host)
    body = f"{ev.summary}\n{t('events.field.for_whom', lang)}：{ev.for_whom}"
    return Card(ev.title, body, buttons, ev.url, fields, footer,
                t("events.url_label", lang) if ev.url else "")


def registered_card(deps: Deps, ev: EventView, reg: RegistrationView, lang: str) -> Card:
    """The confirmation: details, the code, the calendar link, 我的報名."""
    t = deps.content.t
    fields = ((t("events.field.event", lang), ev.title), *basics(deps, ev, lang),
              (t("events.field.code", lang), reg.code))
    if ev.bring:
        fields += ((t("events.field.bring", lang), ev.bring),)
    buttons = (choice(t("menu.myevents", lang), MINE), choice(t("button.menu", lang), "menu"))
    return Card(t("events.registered.title", lang), t("events.registered.body", lang,
                                                      code=reg.code),
                buttons, ics_url(deps, reg), fields, url_label=t("events.ics_label", lang))


def offer_buttons(deps: Deps, reg: RegistrationView, lang: str) -> tuple[Choice, ...]:
    """接受名額 / 不用了 (valid whenever pressed: the handler checks the offer)."""
    t = deps.content.t
    return (choice(t("events.button.accept", lang), ACCEPT, str(reg.id)),
            choice(t("events.button.refuse", lang), REFUSE, str(reg.id)))


def offer_text(deps: Deps, ev: EventView, reg: RegistrationView, lang: str) -> Text:
    """A seat held for the first in line, with its deadline and the two buttons."""
    until = dates.moment(deps.content, reg.offer_until or ev.starts, lang)
    text = deps.content.t("events.offer.text", lang, title=ev.title, place=ev.place,
                          until=until, **when(deps, ev, lang))
    return Text(text, offer_buttons(deps, reg, lang))


def reminder_card(deps: Deps, ev: EventView, reg: RegistrationView, which: str,
                  lang: str) -> Card:
    """A reminder: date, time, place, what to bring, the code; 我的報名 and 取消報名."""
    t = deps.content.t
    fields = basics(deps, ev, lang)
    if ev.bring:
        fields += ((t("events.field.bring", lang), ev.bring),)
    fields += ((t("events.field.code", lang), reg.code),)
    buttons = (choice(t("menu.myevents", lang), MINE),
               choice(t("events.button.cancel", lang), CANCEL, str(reg.id)))
    return Card(t("events.remind.title", lang, title=ev.title),
                t(f"events.remind.{which}", lang), buttons, fields=fields)


def change_text(deps: Deps, ev: EventView, old: dict[str, Any], lang: str) -> Text:
    """What changed (old → new) since what the resident was last told."""
    t = deps.content.t
    mine = (choice(t("menu.myevents", lang), MINE),)
    before = _old_view(ev, old)
    if ev.status == "cancelled":
        text = t("events.change.cancelled", lang, title=ev.title, place=before.place,
                 **when(deps, before, lang))
        return Text(text, mine)
    if old.get("status") == "cancelled":
        return Text(t("events.change.restored", lang, title=ev.title, place=ev.place,
                      **when(deps, ev, lang)), mine)
    lines = [t("events.change.title", lang, title=ev.title), t("events.change.intro", lang)]
    if (before.starts, before.ends) != (ev.starts, ev.ends):
        lines.append(t("events.change.time", lang, old=_span(deps, before, lang),
                       new=_span(deps, ev, lang)))
    if before.place != ev.place:
        lines.append(t("events.change.place", lang, old=before.place, new=ev.place))
    lines.append(t("events.change.outro", lang))
    return Text("\n".join(lines), mine)


def _span(deps: Deps, ev: EventView, lang: str) -> str:
    w = when(deps, ev, lang)
    return f"{w['date']} {w['time']}"


def _old_view(ev: EventView, old: dict[str, Any]) -> EventView:
    return replace(ev, starts=datetime.fromisoformat(old["starts"]),
                   ends=datetime.fromisoformat(old["ends"]), place=str(old["place"]))


def status_line(deps: Deps, ev: EventView, reg: RegistrationView, lang: str) -> str:
    """A registration's state as the resident reads it."""
    t = deps.content.t
    if ev.status == "cancelled":
        return t("events.status.cancelled_event", lang)
    if reg.status == "offered" and reg.offer_until is not None:
        return t("events.status.offered", lang,
                 until=dates.moment(deps.content, reg.offer_until, lang))
    if reg.status == "waiting":
        return t("events.status.waiting", lang, place=reg.place)
    return t("events.status.registered", lang, code=reg.code)
