"""Browsing walks and courses: 「我想報名走讀」, 「士林區這個月有什麼活動」, 活動報名, the menu.

Upcoming events matching the kinds, district and dates read from the message, soonest first,
as a carousel of cards (LINE: a Flex carousel; elsewhere numbered cards with buttons).
"""

from __future__ import annotations

from dataclasses import replace

from bot.core.buttons import Press, choice
from bot.core.types import Carousel, Choice, Context, Incoming, Text, Turn
from bot.events import dates, filters
from bot.events.filters import Filter
from bot.handlers import menu
from bot.handlers.deps import Deps
from bot.handlers.events.show import district_name, event_card
from bot.nlp.understander import Understanding

PAGE = 10  # cards per message (LINE shows up to 12 in a carousel)
BROWSE, MORE = "events", "events.more"


async def start(msg: Incoming, u: Understanding, ctx: Context, deps: Deps, lang: str) -> Turn:
    """The `register` intent (sign-up and browse requests alike): the matching events."""
    wanted = filters.parse(msg.text, deps.event_words, deps.clock(), u.action)
    return await show(ctx, deps, wanted, 0, lang)


async def browse(msg: Incoming, ctx: Context, deps: Deps, lang: str) -> Turn:
    """活動報名 (typed, or the menu): every upcoming event."""
    return await show(ctx, deps, Filter(), 0, lang)


async def press_browse(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """The menu's 活動報名 button, or 全部活動."""
    return await show(ctx, deps, Filter(), 0, ctx.locale)


async def press_more(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """更多活動: the next page of the same list."""
    encoded, _, offset = press.arg.rpartition(":")
    wanted = Filter.decode(encoded)
    if wanted is None or not offset.isdigit():
        return menu.stale(ctx, deps)
    return await show(ctx, deps, wanted, int(offset), ctx.locale)


async def show(ctx: Context, deps: Deps, wanted: Filter, offset: int, lang: str) -> Turn:
    """A page of events as cards, with 更多活動 / 全部活動 / 主選單."""
    now = deps.clock()
    found, total = await deps.events.upcoming(now, wanted, PAGE, offset)
    ctx = replace(ctx, locale=lang)
    meta = {"intent": "register", "events": len(found)}
    t = deps.content.t
    if not found:
        return Turn(ctx, (_none(deps, wanted, lang),), meta=meta)
    buttons: list[Choice] = []
    if offset + len(found) < total:
        buttons.append(choice(t("events.list.more", lang), MORE,
                              f"{wanted.encode()}:{offset + PAGE}"))
    if not wanted.empty:
        buttons.append(choice(t("events.list.all", lang), BROWSE))
    buttons.append(choice(t("button.menu", lang), "menu"))
    shown = f"{offset + 1}–{offset + len(found)}" if offset else str(len(found))
    title = t("events.list.title_filtered", lang, filters=describe(deps, wanted, lang),
              shown=shown, total=total) if not wanted.empty \
        else t("events.list.title", lang, shown=shown, total=total)
    cards = tuple(event_card(deps, ev, now, lang) for ev in found)
    return Turn(ctx, (Carousel(cards, title, tuple(buttons)),), meta=meta)


def _none(deps: Deps, wanted: Filter, lang: str) -> Text:
    t = deps.content.t
    if wanted.empty:
        return Text(t("events.list.none", lang), menu.menu_choices(deps, lang))
    return Text(t("events.list.none_filtered", lang, filters=describe(deps, wanted, lang)),
                (choice(t("events.list.all", lang), BROWSE), choice(t("button.menu", lang),
                                                                    "menu")))


def describe(deps: Deps, wanted: Filter, lang: str) -> str:
    """The filter in words, e.g. 士林區・12/1（二）–12/31（四）・走讀."""
    t = deps.content.t
    parts = []
    if wanted.district:
        parts.append(district_name(deps, wanted.district, lang))
    if wanted.first or wanted.last:
        days = [dates.day(deps.content, filters.day_start(d), lang)
                for d in (wanted.first, wanted.last) if d]
        parts.append(days[0] if len(set(days)) == 1 else "–".join(days))
    if wanted.kinds:
        parts.append("、".join(t(f"events.kind.{k}", lang) for k in wanted.kinds))
    return "・".join(parts)
