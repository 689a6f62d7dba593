"""Per-role command menus on Telegram: each staff chat and the volunteers' group get their own
list (setMyCommands with BotCommandScopeChat); residents keep the default scope.

Set when the bot starts and again by the job "chat_commands", which `run.py staff chat` and
`run.py volunteers chat` queue, so a chat set while the bot runs gets its menu at once.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from bot.common.content import Content
from bot.core.errors import DeliveryError
from bot.core.ports import CommandMenus
from bot.handlers.roles import commands_for
from bot.storage import jobs
from bot.storage.models import Job
from bot.storage.proposals import staff
from bot.storage.tickets import volunteers

log = logging.getLogger("bot.menus")
KIND = "chat_commands"


async def role_chats() -> list[tuple[str, str, str]]:
    """(chat id, role, language) of every Telegram chat that has a role."""
    found = [(c.chat_id, "staff", c.lang) for c in await staff.chats()
             if c.platform == "telegram"]
    group = await volunteers.group()
    if group is not None and group.platform == "telegram" and group.chat_id not in {
            chat for chat, _, _ in found}:
        found.append((group.chat_id, "volunteers", group.lang))
    return found


async def set_role_menus(menus: CommandMenus, content: Content) -> int:
    """Give every role chat its own command list; how many were set. A chat Telegram refuses
    (the bot was removed) is logged and skipped."""
    done = 0
    for chat_id, kind, lang in await role_chats():
        try:
            await menus.set_commands(commands_for(content, kind, lang), chat_id)
            done += 1
        except DeliveryError as exc:
            log.warning("setMyCommands for a %s chat failed: %s", kind, exc)
    return done


async def queue_menus() -> None:
    """Ask the running bot to set the role menus again (after a chat was set)."""
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    await jobs.enqueue(KIND, {}, dedupe_key=f"{KIND}:{stamp}")


class MenuJob:
    """Runs chat_commands jobs in a process with Telegram on."""

    def __init__(self, menus: CommandMenus | None, content: Content) -> None:
        self.menus, self.content = menus, content

    async def run(self, payload: dict[str, Any], job: Job) -> None:
        """Set every role chat's menu (nothing to do without Telegram in this process)."""
        if self.menus is not None:
            await set_role_menus(self.menus, self.content)
