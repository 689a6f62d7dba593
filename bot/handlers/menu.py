"""Welcome, main menu, help, cancel: the global commands."""

from __future__ import annotations

from dataclasses import replace

from bot.core.types import Choice, Context, Incoming, Text, Turn
from bot.handlers.buttons import choice
from bot.handlers.deps import Deps

# Main-menu entries: (content key, action, arg). Only what works today; later flows add theirs.
MAIN_MENU = (
    ("menu.propose", "propose", ""),
    ("menu.myprops", "myprops", ""),
    ("menu.events", "events", ""),
    ("menu.myevents", "myevents", ""),
    ("menu.ivoting", "iv_menu", ""),
    ("menu.faq", "topics", ""),
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
    """The stored flow continues: say where the resident is, and ask the current step again
    (the proposal wizard) so a typed answer is taken as that step's answer."""
    lang, t, strings = ctx.locale, deps.content.t, deps.content.strings
    where = t(f"state.{ctx.state}", lang) if f"state.{ctx.state}" in strings else ""
    lead = Text(t("welcome_back", lang, where=where) if where else t("welcome_back.plain", lang))
    from bot.handlers import propose  # propose -> menu: imported when used
    if propose.in_step(ctx):
        return propose.ask(ctx, deps, deps.spec.step(ctx.data["step"]), lead=(lead,))
    return Turn(ctx, (lead,), meta={"intent": "resume"})


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
