"""「關於」 / about / /about: where the bot's answers come from, and which version answers.

The sources are the seed documents the understander loaded (content/seeds/sources.yaml:
title and year), so the list follows the content, never this code.
"""

from __future__ import annotations

from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version

from bot.core.buttons import Press, choice
from bot.core.types import Context, Incoming, Text, Turn
from bot.handlers.deps import Deps
from bot.handlers.feature import Action, Command, Feature

ACTION = "about"
PACKAGE = "taipei-civic-bot"


def bot_version() -> str:
    """The installed package's version (pyproject.toml)."""
    try:
        return version(PACKAGE)
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "unknown"


def sources(deps: Deps) -> list[tuple[str, str]]:
    """(document title, year) of each seed document, in the order they are listed."""
    seen = {(p.doc, str(p.year)): None for p in deps.nlp.passages.passages}
    return list(seen)


def show(msg: Incoming, ctx: Context, deps: Deps, lang: str) -> Turn:
    """The data sources and the version, with the menu."""
    t = deps.content.t
    lines = [t("about.title", lang, version=bot_version()), t("about.sources", lang)]
    lines += [t("about.source", lang, doc=doc, year=year) for doc, year in sources(deps)]
    lines.append(t("about.more", lang))
    reply = Text("\n".join(lines), (choice(t("button.menu", lang), "menu"),))
    return Turn(replace(ctx, locale=lang), (reply,))


def press_about(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """The 關於 button."""
    return show(msg, ctx, deps, ctx.locale)


FEATURE = Feature(
    "about",
    actions={ACTION: Action(press_about, stateless=True)},
    commands={"about": Command(show)},
)
