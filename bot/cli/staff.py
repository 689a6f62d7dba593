"""`run.py staff ...` and `run.py proposals export`: the district office's set-up and records."""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from bot.cli.output import CliError, emit_export
from bot.cli.staff_args import PLATFORMS
from bot.cli.staff_console import run_console_cli
from bot.common.content import Content
from bot.common.settings import Settings
from bot.handlers.propose.notice import resend_backlog
from bot.proposals import export
from bot.proposals.fields import parse_option
from bot.proposals.spec import ProposalSpec
from bot.storage.db import close_db, open_db
from bot.storage.proposals import staff
from bot.storage.proposals import store as proposals


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
    await _with_db(settings)
    try:
        if target is None:
            _print_lists(command, await staff.roles(), await staff.chats())
            return 0
        platform, person, district = target
        if command == "add":
            added = await staff.add_role(platform, person, str(district))
            shown = "all" if district == staff.ALL else district
            print(f"{'added' if added else 'already there'}: {platform} {person} {shown}")
        elif command == "remove":
            removed = await staff.remove_role(platform, person, district)
            print(f"removed {removed} role(s) of {platform} {person}")
        else:
            await staff.set_chat(str(district), platform, person)
            queued = await resend_backlog(str(district))
            print(f"{district}: staff chat is {platform} {person}; {queued} waiting "
                  "proposal(s) queued (the running bot sends them)")
    finally:
        await close_db()
    return 0


def _target(spec: ProposalSpec, args: argparse.Namespace) -> tuple[str, str, str | None]:
    """(platform, user or chat id, district) of add, remove and chat, checked."""
    chat = args.staff_command == "chat"
    platform = _platform(args.platform)
    person = _chat_id(platform, args.chat_id if chat else args.user_id)
    district = _district(spec, args.district, allow_all=not chat) if args.district else None
    return platform, person, district


def _print_lists(command: str, roles: list[Any], chats: list[Any]) -> None:
    if command == "list":
        for r in roles:
            print(f"{r.platform}\t{r.user_id}\t{'all' if r.district == staff.ALL else r.district}")
        print(f"{len(roles)} role(s)")
    else:
        for c in chats:
            print(f"{c.district}\t{c.platform}\t{c.chat_id}")
        print(f"{len(chats)} staff chat(s)")


async def _export(settings: Settings, spec: ProposalSpec, args: argparse.Namespace) -> int:
    if args.format not in export.FORMATS:
        raise CliError(f"unknown format {args.format!r}: use csv or json")
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


def _district(spec: ProposalSpec, value: str, *, allow_all: bool) -> str:
    if allow_all and value.strip().lower() in ("all", "*"):
        return staff.ALL
    parsed = parse_option(spec.districts, value)
    if not parsed.ok:
        names = "、".join(d.id for d in spec.districts)
        extra = ", or all" if allow_all else ""
        raise CliError(f"unknown district {value!r}: one of {names}{extra}")
    return str(parsed.value)
