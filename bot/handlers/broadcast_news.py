"""District news for residents: 「訂閱士林區活動通知」 opts in, 「取消士林區活動通知」 (or the
button under a broadcast) opts out; 「我的資料」 opens the same settings (活動通知設定)."""

from __future__ import annotations

from dataclasses import replace

from bot.broadcasts.message import NEWS_STOP
from bot.core.buttons import Press, choice
from bot.core.types import Context, Effect, Incoming, Text, Turn
from bot.handlers import menu
from bot.handlers.deps import Deps
from bot.handlers.feature import Action, Feature
from bot.handlers.ivoting import district_buttons
from bot.nlp.understander import Understanding
from bot.storage import effects

TOPIC = "news"
MENU, SUBSCRIBE, STOP = "news", "news.subscribe", NEWS_STOP


def find_district(deps: Deps, text: str) -> str | None:
    """The one district a text names (「士林區」, 「士林」, 「Shilin」), else None."""
    lowered = text.lower()
    found = {d.id for d in deps.spec.districts
             for name in (d.id, d.en, *d.aliases) if name and name.lower() in lowered}
    return found.pop() if len(found) == 1 else None


async def _mine(msg: Incoming, deps: Deps) -> tuple[str, ...]:
    return (await deps.ivoting.subscriptions(msg.platform, msg.user_id)).get(TOPIC, ())


async def flow(msg: Incoming, u: Understanding, ctx: Context, deps: Deps, lang: str) -> Turn:
    """The news intent: subscribe or unsubscribe, for the district the text names."""
    district = find_district(deps, msg.text)
    if u.action == "unsubscribe":
        return await unsubscribe(msg, ctx, deps, lang, district)
    if district is None:
        return await settings(msg, ctx, deps, lang, ask=True)
    return subscribe(ctx, deps, lang, district)


def subscribe(ctx: Context, deps: Deps, lang: str, district: str) -> Turn:
    """Opt in to one district's news."""
    text = deps.content.t("news.subscribed", lang, district=district)
    effect = Effect("subscribe", {"topic": TOPIC, "scope": district, "locale": lang})
    buttons = (choice(deps.content.t("broadcast.stop_news", lang, district=district),
                      STOP, district), choice(deps.content.t("button.menu", lang), "menu"))
    return Turn(replace(ctx, locale=lang), (Text(text, buttons),), (effect,),
                meta={"intent": "news", "action": "subscribe"})


async def unsubscribe(msg: Incoming, ctx: Context, deps: Deps, lang: str,
                      district: str | None) -> Turn:
    """Opt out of one district's news, or of all of it when no district is named."""
    mine = await _mine(msg, deps)
    gone = tuple(d for d in mine if district is None or d == district)
    meta = {"intent": "news", "action": "unsubscribe"}
    if not gone:
        reply = Text(deps.content.t("news.none", lang), menu.menu_choices(deps, lang))
        return Turn(replace(ctx, locale=lang), (reply,), meta=meta)
    text = deps.content.t("news.unsubscribed", lang, districts="、".join(gone))
    effect = Effect("unsubscribe", {"topic": TOPIC, "scope": district})
    reply = Text(text, (choice(deps.content.t("mydata.button.news", lang), MENU),
                        choice(deps.content.t("button.menu", lang), "menu")))
    return Turn(replace(ctx, locale=lang), (reply,), (effect,), meta)


async def settings(msg: Incoming, ctx: Context, deps: Deps, lang: str,
                   ask: bool = False) -> Turn:
    """The district buttons, ticked where subscribed; pressing one turns it on or off."""
    mine = await _mine(msg, deps)
    t = deps.content.t
    if ask and not mine:
        text = t("news.ask", lang)
    else:
        text = t("news.menu", lang, scopes="、".join(mine)) if mine else t("news.menu_none", lang)
    done = choice(t("ivoting.button.done", lang), "menu")
    buttons = district_buttons(deps, mine, SUBSCRIBE, lang, done)
    return Turn(replace(ctx, locale=lang), (Text(text, buttons),),
                meta={"intent": "news", "action": "subscribe"})


async def press_menu(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """活動通知設定 (from 「我的資料」 or after opting out)."""
    return await settings(msg, ctx, deps, ctx.locale)


async def press_sub(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """A district button: on when off, off when on."""
    if press.arg not in {d.id for d in deps.spec.districts}:
        return menu.stale(ctx, deps)
    if press.arg in await _mine(msg, deps):
        return await unsubscribe(msg, ctx, deps, ctx.locale, press.arg)
    return subscribe(ctx, deps, ctx.locale, press.arg)


async def press_off(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """「不再接收士林區通知」 under a district broadcast."""
    district = press.arg if press.arg in {d.id for d in deps.spec.districts} else None
    return await unsubscribe(msg, ctx, deps, ctx.locale, district)


def _longest_district(deps: Deps) -> str:
    return max((d.id for d in deps.spec.districts), key=lambda s: len(s.encode()), default="")


FEATURE = Feature(
    "news",
    actions={MENU: Action(press_menu, stateless=True, old=("nw_menu",)),
             SUBSCRIBE: Action(press_sub, stateless=True, old=("nw_sub",),
                               longest=_longest_district),
             STOP: Action(press_off, stateless=True, old=("news_off",),
                          longest=_longest_district)},
    intents={"news": flow},
    effects={"subscribe": effects.subscribe, "unsubscribe": effects.unsubscribe},
)
