"""`run.py volunteers ...`: the volunteers' group and who may answer residents there."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime

from bot.common.settings import Settings
from bot.runtime.menus import queue_menus
from bot.storage.db import close_db, open_db
from bot.storage.models import Ticket
from bot.storage.tickets import relay as tickets_relay
from bot.storage.tickets import volunteers
from bot.tickets.effects import queue_sync
from bot.tickets.view import OPEN

PLATFORMS = ("telegram",)
LANGS = ("zh-TW", "en")  # forum topics, replies and buttons: the group is on Telegram


async def run_volunteers(settings: Settings, args: argparse.Namespace) -> int:
    """Run a `volunteers` subcommand; one clear line and exit 2 on a bad argument."""
    command = args.volunteers_command
    try:
        target = _target(args) if command != "list" else None
    except ValueError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    await open_db(settings.database_url, migrate_first=settings.database_url.startswith("sqlite"))
    try:
        if target is None:
            await _list()
        elif command == "chat":
            await _set_chat(*target, args.lang)
        elif command == "add":
            added = await volunteers.add(*target, name=args.name.strip())
            print(f"{'added' if added else 'already a volunteer'}: {target[0]} {target[1]}")
        else:
            removed = await volunteers.remove(*target)
            print(f"removed {removed} volunteer role(s) of {target[0]} {target[1]}")
    finally:
        await close_db()
    return 0


def _target(args: argparse.Namespace) -> tuple[str, str]:
    if args.platform not in PLATFORMS:
        raise ValueError(f"unknown platform {args.platform!r}: the volunteers' group is on "
                         "telegram")
    chat = args.volunteers_command == "chat"
    value = str(args.chat_id if chat else args.user_id).strip()
    if not re.fullmatch(r"-?\d{1,20}", value):
        raise ValueError(f"a Telegram id is a number (send /whoami to the bot), not {value!r}")
    if chat and not value.startswith("-"):
        raise ValueError(f"a Telegram group chat id is negative (e.g. -1001234567890), not "
                         f"{value}: send /whoami in the group and copy the chat id with its -")
    if chat and args.lang not in LANGS:
        raise ValueError(f"unknown language {args.lang!r}: use {' or '.join(LANGS)}")
    return args.platform, value


async def _set_chat(platform: str, chat_id: str, lang: str = "zh-TW") -> None:
    await volunteers.set_group(platform, chat_id, lang)
    await queue_menus()  # the group's own command menu, set by the running bot
    # Open tickets never posted (no group before) or posted to another group go there now.
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    waiting = [t for t in await Ticket.filter(status=OPEN).order_by("id")
               if t.card_id is None or t.group_chat != chat_id]
    for ticket in waiting:
        await queue_sync(ticket.id, f"chat:{stamp}")
    print(f"volunteers' group is {platform} {chat_id}; {len(waiting)} open ticket(s) queued "
          "(the running bot posts them)")


async def _list() -> None:
    group = await volunteers.group()
    print(f"group\t{group.platform}\t{group.chat_id}" if group else "group\t(none: run.py "
          "volunteers chat --platform telegram --chat-id ...)")
    found = await volunteers.everyone()
    for v in found:
        print(f"volunteer\t{v.platform}\t{v.user_id}\t{v.name}")
    unposted = await tickets_relay.unposted()
    open_count = await Ticket.filter(status=OPEN).count()
    print(f"{len(found)} volunteer(s); {open_count} open ticket(s), {len(unposted)} not in "
          "the group yet")
