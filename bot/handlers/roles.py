"""Per-role commands and help in the groups the bot serves (issue 22).

A district office's staff chat and the volunteers' group each have their own command list
(Telegram's setMyCommands with a BotCommandScopeChat per chat; residents keep the default
scope) and their own /help and /start: what that role can do, one example each. Text the bot
does not take in those chats gets the role's help, never a resident's FAQ answer. The chat's
language is the one set with `--lang`, never guessed from a word.
"""

from __future__ import annotations

from dataclasses import replace

from bot.common.content import Content
from bot.core.roles import STAFF, ChatRole
from bot.core.types import Context, Incoming, Text, Turn
from bot.handlers.deps import Deps

# The commands each role sees in its chat's menu, in the order help lists them.
ROLE_COMMANDS: dict[str, tuple[str, ...]] = {
    "staff": ("help", "broadcast", "broadcasts", "events", "checkin", "whoami", "cancel"),
    "volunteers": ("help", "tickets", "whoami", "cancel"),
}


def commands_for(content: Content, kind: str, lang: str = "zh-TW") -> list[tuple[str, str]]:
    """(command, description) pairs for a role's setMyCommands, from content."""
    return [(name, content.t(f"role.{kind}.{name}", lang)) for name in ROLE_COMMANDS[kind]]


def help_text(content: Content, role: ChatRole) -> str:
    """What the role can do in its chat: each command with one example."""
    t, lang = content.t, role.lang
    where = "、".join(role.districts) if role.lang != "en" else ", ".join(role.districts)
    lines = [t(f"role.{role.kind}.title", lang, districts=where)]
    for name in ROLE_COMMANDS[role.kind]:
        lines.append(t("role.line", lang, command=name,
                       what=t(f"role.{role.kind}.{name}", lang),
                       example=t(f"role.{role.kind}.{name}.example", lang)))
    lines.append(t(f"role.{role.kind}.more", lang))
    return "\n".join(lines)


def show_help(msg: Incoming, ctx: Context, deps: Deps, role: ChatRole) -> Turn:
    """/help, /start (and /menu) in a staff chat or the volunteers' group; keeps any flow."""
    text = help_text(deps.content, role)
    return Turn(replace(ctx, locale=role.lang), (Text(text),),
                meta={"intent": "help", "role": role.kind})


def not_for_here(msg: Incoming, ctx: Context, deps: Deps, role: ChatRole) -> Turn:
    """Text in a role's chat that no step took: the role's help, not a resident's answer."""
    lead = deps.content.t(f"role.{role.kind}.not_faq", role.lang)
    text = f"{lead}\n\n{help_text(deps.content, role)}"
    return Turn(replace(ctx, locale=role.lang), (Text(text),),
                meta={"intent": "role_help", "role": role.kind})


def whoami_hint(content: Content, role: ChatRole | None, lang: str) -> str:
    """The last line of /whoami: chat commands in a role's chat, set-up commands elsewhere."""
    if role is None:
        return content.t("whoami.setup", lang)
    return content.t("whoami.staff" if role.kind == STAFF else "whoami.volunteers", lang)
