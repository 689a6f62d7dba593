"""i-Voting for residents: when the vote is (from the calendar), reminders on and off.

「i-Voting 什麼時候」 answers from the stored calendar: the open period and when it closes,
else the next one, else 「目前沒有排定的投票」 with where dates are announced. 「投票開始時提醒
我」, the menu's 投票提醒 and the typed word 「投票提醒」 open the subscription menu (all of
Taipei, or chosen districts); 「之後不用再提醒我了」 turns every reminder off in one step.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.core.buttons import Press, choice
from bot.core.types import Card, Carousel, Choice, Context, Effect, Incoming, Reply, Text, Turn
from bot.handlers import menu
from bot.handlers.deps import Deps
from bot.handlers.feature import Action, Command, Feature, Wiring
from bot.ivoting.calendar import CITYWIDE, open_now, upcoming
from bot.ivoting.reminders import KIND as REMIND
from bot.ivoting.reminders import Reminders
from bot.ivoting.view import STOP, period_card, when_text
from bot.nlp.understander import Understanding
from bot.storage import effects
from bot.storage.jobs import JobHandler

TOPIC = "ivoting"
MENU, PICK, SUBSCRIBE = "ivoting", "ivoting.pick", "ivoting.subscribe"


def now_of(deps: Deps) -> datetime:
    """The deps clock's time, timezone-aware."""
    now = deps.clock()
    return now if now.tzinfo else now.astimezone()


async def flow(msg: Incoming, u: Understanding, ctx: Context, deps: Deps, lang: str) -> Turn:
    """The ivoting intent: 'when', 'unsubscribe', else the subscription menu."""
    if u.action == "when":
        return await when(msg, ctx, deps, lang)
    if u.action == "unsubscribe":
        return await unsubscribe(msg, ctx, deps, lang)
    return await menu_turn(msg, ctx, deps, lang)


async def when(msg: Incoming, ctx: Context, deps: Deps, lang: str) -> Turn:
    """When to vote: open periods (and when they close), else the next one, else none."""
    t, now = deps.content.t, now_of(deps)
    periods = await deps.ivoting.periods()
    mine = (await deps.ivoting.subscriptions(msg.platform, msg.user_id)).get(TOPIC, ())
    buttons: tuple[Choice, ...] = () if mine else (
        choice(t("ivoting.button.subscribe", lang), MENU),)
    buttons += (choice(t("button.menu", lang), "menu"),)
    hint = "" if mine else "\n" + t("ivoting.when.remind_hint", lang)
    cards: list[Card] = []
    for p in open_now(periods, now)[:5]:
        body = t("ivoting.when.open", lang, title=p.title,
                 closes=when_text(deps.content, p.closes, lang))
        cards.append(period_card(deps.content, p, lang, body=body + hint))
    nxt = upcoming(periods, now)
    if not cards and nxt:
        body = t("ivoting.when.next", lang, title=nxt[0].title,
                 opens=when_text(deps.content, nxt[0].opens, lang))
        cards.append(period_card(deps.content, nxt[0], lang, body=body + hint))
    reply: Reply
    if not cards:
        reply = Text(t("ivoting.when.none", lang) + hint, buttons)
    elif len(cards) == 1:
        reply = replace(cards[0], choices=buttons)
    else:
        reply = Carousel(tuple(cards), cards[0].body.split("\n")[0], buttons)
    return Turn(replace(ctx, locale=lang), (reply,), meta={"intent": "ivoting", "action": "when"})


async def calendar_instead(msg: Incoming, ctx: Context, deps: Deps, lang: str) -> Turn | None:
    """The calendar's answer in place of a 「我這裡沒有資料」 FAQ entry, once one is loaded."""
    if not await deps.ivoting.periods():
        return None
    return await when(msg, ctx, deps, lang)


def scope_name(deps: Deps, scope: str, lang: str) -> str:
    """「全市」 or a district's name."""
    return deps.content.t("ivoting.citywide", lang) if scope == CITYWIDE else scope


def _scopes(deps: Deps, scopes: tuple[str, ...], lang: str) -> str:
    return "、".join(scope_name(deps, s, lang) for s in scopes)


async def menu_turn(msg: Incoming, ctx: Context, deps: Deps, lang: str) -> Turn:
    """The subscription menu: all of Taipei, choose districts, or stop."""
    t = deps.content.t
    mine = (await deps.ivoting.subscriptions(msg.platform, msg.user_id)).get(TOPIC, ())
    text = t("ivoting.menu.has", lang, scopes=_scopes(deps, mine, lang)) if mine \
        else t("ivoting.menu.none", lang)
    buttons = [choice(t("ivoting.button.citywide", lang), SUBSCRIBE, CITYWIDE),
               choice(t("ivoting.button.pick", lang), PICK)]
    if mine:
        buttons.append(choice(t("ivoting.button.stop", lang), STOP))
    buttons.append(choice(t("button.menu", lang), "menu"))
    return Turn(replace(ctx, locale=lang), (Text(text, tuple(buttons)),),
                meta={"intent": "ivoting", "action": "subscribe"})


def district_buttons(deps: Deps, on: tuple[str, ...], action: str, lang: str,
                     done: Choice) -> tuple[Choice, ...]:
    """One button per district (ticked when on) and a last one: 12 + 1 fit LINE's 13."""
    t = deps.content.t
    return (*(choice(t("news.button.on", lang, district=d.id) if d.id in on else d.id,
                     action, d.id) for d in deps.spec.districts), done)


async def press_menu(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """投票提醒 in the main menu, or 「投票開始時提醒我」 under an answer."""
    return await menu_turn(msg, ctx, deps, ctx.locale)


async def press_pick(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """The district buttons."""
    lang = ctx.locale
    mine = (await deps.ivoting.subscriptions(msg.platform, msg.user_id)).get(TOPIC, ())
    done = choice(deps.content.t("ivoting.button.done", lang), "menu")
    buttons = district_buttons(deps, mine, SUBSCRIBE, lang, done)
    return Turn(ctx, (Text(deps.content.t("ivoting.pick", lang), buttons),))


async def press_sub(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """全市 subscribes to all of Taipei; a district button turns that district on or off."""
    lang, t, scope = ctx.locale, deps.content.t, press.arg
    if scope != CITYWIDE and scope not in {d.id for d in deps.spec.districts}:
        return menu.stale(ctx, deps)
    mine = (await deps.ivoting.subscriptions(msg.platform, msg.user_id)).get(TOPIC, ())
    if scope != CITYWIDE and scope in mine:
        effect = Effect("unsubscribe", {"topic": TOPIC, "scope": scope})
        text, now_on = t("ivoting.removed", lang, scope=scope), tuple(s for s in mine
                                                                      if s != scope)
    else:
        effect = Effect("subscribe", {"topic": TOPIC, "scope": scope, "locale": lang})
        text, now_on = t("ivoting.subscribed", lang, scope=scope_name(deps, scope, lang)), \
            (*mine, scope)
    if scope == CITYWIDE:
        buttons: tuple[Choice, ...] = (choice(t("button.menu", lang), "menu"),)
    else:
        done = choice(t("ivoting.button.done", lang), "menu")
        buttons = district_buttons(deps, now_on, SUBSCRIBE, lang, done)
    return Turn(replace(ctx, locale=lang), (Text(text, buttons),), (effect,),
                meta={"intent": "ivoting", "action": "subscribe"})


async def unsubscribe(msg: Incoming, ctx: Context, deps: Deps, lang: str) -> Turn:
    """Every i-Voting reminder off, in one step."""
    t = deps.content.t
    mine = (await deps.ivoting.subscriptions(msg.platform, msg.user_id)).get(TOPIC, ())
    meta = {"intent": "ivoting", "action": "unsubscribe"}
    if not mine:
        reply = Text(t("ivoting.not_subscribed", lang), menu.menu_choices(deps, lang))
        return Turn(replace(ctx, locale=lang), (reply,), meta=meta)
    again = (choice(t("ivoting.button.resubscribe", lang), MENU),
             choice(t("button.menu", lang), "menu"))
    reply = Text(t("ivoting.unsubscribed", lang, scopes=_scopes(deps, mine, lang)), again)
    effect = Effect("unsubscribe", {"topic": TOPIC, "scope": None})
    return Turn(replace(ctx, locale=lang), (reply,), (effect,), meta)


async def press_off(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """「不用再提醒」 under a reminder or in the menu."""
    return await unsubscribe(msg, ctx, deps, ctx.locale)


def _longest_scope(deps: Deps) -> str:
    return max([CITYWIDE, *(d.id for d in deps.spec.districts)], key=lambda s: len(s.encode()))


def _jobs(wiring: Wiring) -> dict[str, JobHandler]:
    reminders = Reminders(wiring.deps.content, lambda: datetime.now(UTC))
    return {REMIND: reminders.run}


FEATURE = Feature(
    "ivoting",
    actions={MENU: Action(press_menu, stateless=True, old=("iv_menu",)),
             PICK: Action(press_pick, stateless=True, old=("iv_pick",)),
             SUBSCRIBE: Action(press_sub, stateless=True, old=("iv_sub",),
                               longest=_longest_scope),
             STOP: Action(press_off, stateless=True, old=("iv_off",))},
    commands={"ivoting": Command(menu_turn)},
    intents={"ivoting": flow},
    effects={"subscribe": effects.subscribe, "unsubscribe": effects.unsubscribe},
    jobs=_jobs,
    cli=("ivoting",),
)
