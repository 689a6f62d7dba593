"""Welcome, main menu, help, cancel: the global commands."""

from __future__ import annotations

from dataclasses import replace

from bot.core.buttons import Press, choice
from bot.core.types import Choice, Context, Effect, Incoming, Text, Turn
from bot.handlers.deps import Deps
from bot.handlers.feature import Action, Command, Feature
from bot.storage import effects

# Main-menu entries: (content key, action, arg). Only what works today; later flows add theirs.
MAIN_MENU = (
    ("menu.propose", "propose", ""),
    ("menu.myprops", "myprops", ""),
    ("menu.events", "events", ""),
    ("menu.myevents", "myevents", ""),
    ("menu.ivoting", "ivoting", ""),
    ("menu.faq", "faq.topics", ""),
    ("menu.process", "faq", "pb-stages"),
    ("menu.counter", "faq", "counter-services"),
    ("menu.handoff", "handoff", ""),
    ("menu.mydata", "mydata", ""),
    ("menu.help", "help", ""),
)


def menu_choices(deps: Deps, lang: str) -> tuple[Choice, ...]:
    """The main menu as buttons (FAQ shortcuts only when the entry exists)."""
    known = {e.id for e in deps.nlp.entries}
    return tuple(
        choice(deps.content.t(key, lang), action, arg)
        for key, action, arg in MAIN_MENU
        if action != "faq" or arg in known
    )


def idle(ctx: Context, lang: str) -> Context:
    """The context back at rest, flow data dropped."""
    return replace(ctx, state="idle", data={}, locale=lang)


def welcome(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    """Greet a new follower with the menu; someone coming back in the middle of a step (the
    web chat sends this on every page load) continues where they were."""
    if ctx.state != "idle":
        return welcome_back(ctx, deps)
    lang = ctx.locale
    text = deps.content.t("welcome", lang)
    return Turn(idle(ctx, lang), (Text(text, menu_choices(deps, lang)),))


def welcome_back(ctx: Context, deps: Deps) -> Turn:
    """The stored flow continues: say where the resident is (a flow may ask its current step
    again: the proposal wizard declares its own follow step, bot/handlers/propose)."""
    return Turn(ctx, (welcome_back_lead(ctx, deps),), meta={"intent": "resume"})


def welcome_back_lead(ctx: Context, deps: Deps) -> Text:
    """「歡迎回來」 and where the resident is."""
    lang, t, strings = ctx.locale, deps.content.t, deps.content.strings
    where = t(f"state.{ctx.state}", lang) if f"state.{ctx.state}" in strings else ""
    return Text(t("welcome_back", lang, where=where) if where else t("welcome_back.plain", lang))


def show_menu(msg: Incoming, ctx: Context, deps: Deps, lang: str) -> Turn:
    """The main menu; leaves any flow."""
    text = deps.content.t("menu.title", lang)
    return Turn(idle(ctx, lang), (Text(text, menu_choices(deps, lang)),))


def show_help(msg: Incoming, ctx: Context, deps: Deps, lang: str) -> Turn:
    """How to use the bot; keeps the current flow."""
    text = deps.content.t("help", lang)
    return Turn(replace(ctx, locale=lang), (Text(text, menu_choices(deps, lang)),))


def cancel(msg: Incoming, ctx: Context, deps: Deps, lang: str) -> Turn:
    """Leave the current flow (flows keep their drafts elsewhere)."""
    key = "cancelled" if ctx.state != "idle" else "nothing_to_cancel"
    if f"cancelled.{ctx.state}" in deps.content.strings:  # a flow may say what it kept
        key = f"cancelled.{ctx.state}"
    text = deps.content.t(key, lang)
    return Turn(idle(ctx, lang), (Text(text, menu_choices(deps, lang)),))


def greeting(msg: Incoming, ctx: Context, deps: Deps, lang: str) -> Turn:
    """Answer hello with the menu."""
    text = deps.content.t("greeting", lang)
    return Turn(replace(ctx, locale=lang), (Text(text, menu_choices(deps, lang)),))


def stale(ctx: Context, deps: Deps) -> Turn:
    """A polite answer to a button from an older message, with a fresh menu."""
    reply = Text(deps.content.t("stale_button", ctx.locale), menu_choices(deps, ctx.locale))
    return Turn(ctx, (reply,), meta={"intent": "stale"})


def on_follow(msg: Incoming, ctx: Context, deps: Deps) -> Turn | None:
    """Follow: the welcome with the menu (and the member marked followed); unfollow: noted."""
    if msg.kind == "follow":
        turn = welcome(msg, ctx, deps)
        return Turn(turn.context, turn.replies, (*turn.effects, Effect("follow")), turn.meta)
    if msg.kind == "unfollow":
        return Turn(ctx, (), (Effect("unfollow"),), {"intent": "unfollow"})
    return None


def press_menu(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """The 主選單 button."""
    return show_menu(msg, ctx, deps, ctx.locale)


def press_help(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """The 使用說明 button."""
    return show_help(msg, ctx, deps, ctx.locale)


FEATURE = Feature(
    "menu",
    actions={"menu": Action(press_menu, stateless=True),
             "help": Action(press_help, stateless=True)},
    commands={"menu": Command(show_menu), "help": Command(show_help)},
    follow=on_follow,
    effects={"follow": effects.follow, "unfollow": effects.unfollow},
)
