"""`run.py staff ...` and `run.py proposals export`: the district office's set-up and records."""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from bot.cli.output import CliError, emit_export
from bot.cli.staff_args import CHAT_PLATFORMS, LANGS, PLATFORMS
from bot.cli.staff_console import run_console_cli
from bot.common.content import Content
from bot.common.settings import Settings
from bot.handlers.propose.notice import resend_backlog
from bot.proposals import export
from bot.proposals.fields import parse_option
from bot.proposals.spec import ProposalSpec
from bot.runtime.menus import queue_menus
from bot.storage.db import close_db, open_db
from bot.storage.proposals import staff
from bot.storage.proposals import store as proposals
from bot.storage.proposals.staff import waiting_without_chat


async def run_staff_cli(settings: Settings, args: argparse.Namespace) -> int:
    """Run a `staff` or `proposals` subcommand; one clear line and exit 2 on a bad argument."""
    spec = ProposalSpec.load(settings.content_dir)
    try:
        if args.command == "proposals":
            return await _export(settings, spec, args)
        if args.staff_command in ("link", "logout"):
            platform = _platform(args.platform)
            return await run_console_cli(settings, platform, _chat_id(platform, args.user_id),
                                         args.staff_command)
        return await _staff(settings, spec, args)
    except CliError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2


async def _with_db(settings: Settings) -> None:
    await open_db(settings.database_url, migrate_first=settings.database_url.startswith("sqlite"))


async def _staff(settings: Settings, spec: ProposalSpec, args: argparse.Namespace) -> int:
    command = args.staff_command
    target = _target(spec, args) if command in ("add", "remove", "chat") else None
    lang = _lang(args.lang) if command == "chat" else ""
    await _with_db(settings)
    try:
        if target is None:
            _print_lists(command, await staff.roles(), await staff.chats())
            if command == "chats":
                await _print_waiting()
            return 0
        platform, person, district = target
        if command == "chat":
            await _set_chat(str(district), platform, person, lang)
        elif command == "add":
            added = await staff.add_role(platform, person, str(district))
            shown = "all" if district == staff.ALL else district
            print(f"{'added' if added else 'already there'}: {platform} {person} {shown}")
        else:
            removed = await staff.remove_role(platform, person, district)
            print(f"removed {removed} role(s) of {platform} {person}")
    finally:
        await close_db()
    return 0


async def _set_chat(district: str, platform: str, chat_id: str, lang: str) -> None:
    await staff.set_chat(district, platform, chat_id, lang)
    queued = await resend_backlog(district)
    await queue_menus()  # the chat's own command menu, set by the running bot
    print(f"{district}: staff chat is {platform} {chat_id} ({lang}); {queued} waiting "
          "proposal(s) queued (the running bot sends them)")


def _target(spec: ProposalSpec, args: argparse.Namespace) -> tuple[str, str, str | None]:
    """(platform, user or chat id, district) of add, remove and chat, checked."""
    chat = args.staff_command == "chat"
    platform = _platform(args.platform)
    if chat and platform not in CHAT_PLATFORMS:
        raise CliError(f"a staff chat must be a Telegram group: {platform} cannot host one "
                       "(buttons, replies and its own commands); use --platform telegram")
    person = _chat_id(platform, args.chat_id if chat else args.user_id)
    if chat:
        _group_id(person)
    district = _district(spec, args.district, allow_all=not chat) if args.district else None
    return platform, person, district


def _print_lists(command: str, roles: list[Any], chats: list[Any]) -> None:
    if command == "list":
        for r in roles:
            print(f"{r.platform}\t{r.user_id}\t{'all' if r.district == staff.ALL else r.district}")
        print(f"{len(roles)} role(s)")
    else:
        for c in chats:
            print(f"{c.district}\t{c.platform}\t{c.chat_id}\t{c.lang}")
        print(f"{len(chats)} staff chat(s)")


async def _export(settings: Settings, spec: ProposalSpec, args: argparse.Namespace) -> int:
    if args.format not in export.FORMATS:
        raise CliError(f"unknown format {args.format!r}: use csv, json or xlsx")
    if args.format == "xlsx" and not args.output:
        raise CliError("--format xlsx writes a file: add --output NAME.xlsx")
    district = _district(spec, args.district, allow_all=False) if args.district else None
    if args.status and args.status not in spec.statuses:
        raise CliError(f"unknown status {args.status!r}: one of {', '.join(spec.statuses)}")
    content = Content.load(settings.content_dir)
    await _with_db(settings)
    try:
        views = await proposals.for_export(district, args.status)
    finally:
        await close_db()
    text = export.render(args.format, views, content, spec)
    return emit_export(args.output, text, args.format, f"{len(views)} proposal(s)")



def _platform(value: str) -> str:
    if value not in PLATFORMS:
        raise CliError(f"unknown platform {value!r}: use {' or '.join(PLATFORMS)}")
    return value


def _chat_id(platform: str, value: str) -> str:
    value = value.strip()
    if platform == "telegram" and not re.fullmatch(r"-?\d{1,20}", value):
        raise CliError(f"a Telegram id is a number (send /whoami to the bot), not {value!r}")
    if not value or len(value) > 64:
        raise CliError("an id is 1-64 characters (send /whoami to the bot)")
    return value


def _group_id(chat_id: str) -> None:
    """A Telegram group's id is negative; a positive one is a person (a private chat)."""
    if not chat_id.startswith("-"):
        raise CliError(f"a Telegram group chat id is negative (e.g. -1001234567890), not "
                       f"{chat_id}: send /whoami in the group and copy the chat id with its -")


def _lang(value: str) -> str:
    lang = {"zh": "zh-TW", "zh-tw": "zh-TW", "en": "en"}.get(value.strip().lower())
    if lang is None:
        raise CliError(f"unknown language {value!r}: use {' or '.join(LANGS)}")
    return lang


async def _print_waiting() -> None:
    """Districts with proposals waiting and no staff chat: nothing reaches their office."""
    waiting = await waiting_without_chat()
    for district, count in waiting:
        print(f"{district}	(no staff chat)	{count} proposal(s) waiting: run.py staff chat "
              f"--district {district} --platform telegram --chat-id -100...")
    if waiting:
        print(f"{len(waiting)} district(s) with proposals waiting and no staff chat")


def _district(spec: ProposalSpec, value: str, *, allow_all: bool) -> str:
    if allow_all and value.strip().lower() in ("all", "*"):
        return staff.ALL
    parsed = parse_option(spec.districts, value)
    if not parsed.ok:
        names = "、".join(d.id for d in spec.districts)
        extra = ", or all" if allow_all else ""
        raise CliError(f"unknown district {value!r}: one of {names}{extra}")
    return str(parsed.value)
