"""「我的資料」: show a user what is stored about them, and delete it on confirmation."""

from __future__ import annotations

from dataclasses import replace

from bot.core.buttons import Press, choice
from bot.core.types import Context, Effect, Incoming, Text, Turn
from bot.handlers import menu
from bot.handlers.deps import Deps
from bot.handlers.feature import Action, Command, Feature
from bot.storage import effects

CONFIRM_STATE = "mydata_confirm"
DELETE, CONFIRM, KEEP = "mydata.delete", "mydata.confirm", "mydata.keep"


async def show(msg: Incoming, ctx: Context, deps: Deps, lang: str) -> Turn:
    """List what is stored, with a delete button."""
    data = await deps.my_data(msg.platform, msg.user_id)
    if data is None:
        reply = Text(deps.content.t("mydata.none", lang), menu.menu_choices(deps, lang))
        return Turn(replace(ctx, locale=lang), (reply,))
    text = _summary(data, msg, ctx, deps, lang)
    buttons = (choice(deps.content.t("mydata.delete", lang), DELETE),
               choice(deps.content.t("mydata.keep", lang), KEEP),
               choice(deps.content.t("mydata.button.news", lang), "news"))
    return Turn(replace(ctx, locale=lang), (Text(text, buttons),))


def _summary(data: dict[str, object], msg: Incoming, ctx: Context, deps: Deps,
             lang: str) -> str:
    t, strings = deps.content.t, deps.content.strings
    state = t(f"state.{ctx.state}", lang) if f"state.{ctx.state}" in strings else ctx.state
    platform = t(f"platform.{msg.platform}", lang) if f"platform.{msg.platform}" in strings \
        else msg.platform
    lines = [t("mydata.summary", lang, platform=platform, first_seen=data["first_seen"],
               state=state)]
    # Each stored item the user has, in the order the features report them.
    lines += [t(f"mydata.item.{name}", lang, count=count) for name, count in data.items()
              if isinstance(count, int) and not isinstance(count, bool) and count > 0
              and f"mydata.item.{name}" in strings]
    lines.append(t("mydata.ask_delete", lang))
    return "\n".join(lines)


def ask_confirm(ctx: Context, deps: Deps) -> Turn:
    """Ask once more before deleting."""
    lang = ctx.locale
    buttons = (choice(deps.content.t("mydata.confirm_yes", lang), CONFIRM),
               choice(deps.content.t("mydata.keep", lang), KEEP))
    new = replace(ctx, state=CONFIRM_STATE)
    return Turn(new, (Text(deps.content.t("mydata.confirm", lang), buttons),))


def confirm(ctx: Context, deps: Deps) -> Turn:
    """Delete everything stored about the user (the dispatcher carries it out)."""
    if ctx.state != CONFIRM_STATE:
        return ask_confirm(ctx, deps)
    text = deps.content.t("mydata.deleted", ctx.locale)
    return Turn(Context(locale=ctx.locale), (Text(text),), (Effect("delete_my_data"),))


def keep(ctx: Context, deps: Deps) -> Turn:
    """Leave the data as it is."""
    reply = Text(deps.content.t("mydata.kept", ctx.locale), menu.menu_choices(deps, ctx.locale))
    return Turn(menu.idle(ctx, ctx.locale), (reply,))


async def press_show(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """The 我的資料 button."""
    return await show(msg, ctx, deps, ctx.locale)


FEATURE = Feature(
    "mydata",
    actions={"mydata": Action(press_show, stateless=True),
             DELETE: Action(lambda m, p, c, d: ask_confirm(c, d), old=("mydata_delete",)),
             CONFIRM: Action(lambda m, p, c, d: confirm(c, d), old=("mydata_confirm",)),
             KEEP: Action(lambda m, p, c, d: keep(c, d), old=("mydata_keep",))},
    commands={"mydata": Command(show, tag=False)},
    effects={"delete_my_data": effects.delete_my_data},
    ends=frozenset({"delete_my_data"}),
)
