"""`run.py broadcast send|list|status|cancel`: district broadcasts from the command line.

`send` shows the same preview as the staff flow (audience per platform, LINE messages used,
the quota left) and sends nothing without --yes (or a typed "y" at a terminal). The running
bot (`run.py serve`) delivers; progress is in `run.py broadcast status ID`.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from bot.broadcasts import audiences
from bot.broadcasts.compose import event_info, preview, schedule
from bot.broadcasts.message import (
    audience_label,
    check_text,
    goes_at,
    parse_time,
    preview_text,
    replies_for,
)
from bot.broadcasts.report import status_text
from bot.cli.output import CliError
from bot.common.content import Content
from bot.common.settings import Settings
from bot.common.times import shown
from bot.core.serialize import reply_to_dict
from bot.core.types import Text
from bot.delivery.quiet import QuietHours
from bot.proposals.fields import parse_option
from bot.proposals.spec import ProposalSpec
from bot.storage import broadcasts as store
from bot.storage import jobs
from bot.storage.db import close_db, open_db
from bot.storage.models import Broadcast
from bot.storage.proposals.staff import ALL
from bot.storage.proposals.staff import chat_of as staff_chat_of


def add_parsers(sub: Any) -> None:
    """The `broadcast` subcommands."""
    bc = sub.add_parser("broadcast", help="district broadcasts: send, list, status, cancel")
    bs = bc.add_subparsers(dest="broadcast_command", required=True)
    send = bs.add_parser("send", help="preview, then (with --yes) schedule a broadcast")
    send.add_argument("--audience", required=True,
                      help="all | district:士林區 | event:ID | ivoting[:士林區]")
    send.add_argument("--text", required=True, help="the message (at most 1,000 characters)")
    send.add_argument("--at", help="when (Taipei time, e.g. 2030-12-01 09:00, or ISO)")
    send.add_argument("--urgent", action="store_true", help="send even in quiet hours")
    send.add_argument("--yes", action="store_true", help="confirm: send without asking")
    bs.add_parser("list", help="recent broadcasts")
    for name in ("status", "cancel"):
        p = bs.add_parser(name, help=f"{name} one broadcast")
        p.add_argument("id", type=int)


async def run_broadcast_cli(settings: Settings, args: argparse.Namespace) -> int:
    """Run a broadcast subcommand; 0 done, 1 not sent (refused or not confirmed), 2 bad input."""
    content = Content.load(settings.content_dir)
    try:
        if args.broadcast_command == "send":
            return await _send(settings, content, args)
        await open_db(settings.database_url,
                      migrate_first=settings.database_url.startswith("sqlite"))
        try:
            return await _manage(content, args, QuietHours.parse(settings.quiet_hours))
        finally:
            await close_db()
    except CliError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2


def normalise_audience(settings: Settings, audience: str) -> str:
    """The audience with its district spelled as the office does (士林 -> 士林區); CliError."""
    try:
        prefix, arg = audiences.parse(audience)
    except audiences.UnknownAudience as exc:
        raise CliError(str(exc)) from None
    if prefix in ("district", "ivoting") and arg:
        spec = ProposalSpec.load(settings.content_dir)
        parsed = parse_option(spec.districts, arg)
        if not parsed.ok:
            raise CliError(f"unknown district {arg!r}: one of "
                           + "、".join(d.id for d in spec.districts))
        arg = str(parsed.value)
    if prefix == "district" and not arg:
        raise CliError("district: needs a district, e.g. district:士林區")
    return f"{prefix}:{arg}" if arg else prefix


async def _send(settings: Settings, content: Content, args: argparse.Namespace) -> int:
    audience = normalise_audience(settings, args.audience)
    problem = check_text(args.text)
    if problem is not None:
        raise CliError(content.t(problem, "en"))
    now = datetime.now(UTC)
    at = parse_time(args.at, now) if args.at else None
    if args.at and at is None:
        raise CliError(f"--at {args.at!r}: a time in the next 60 days, e.g. 2030-12-01 09:00")
    replies = replies_for(content, args.text, audience)
    await open_db(settings.database_url, migrate_first=settings.database_url.startswith("sqlite"))
    line = None
    if settings.line_enabled:  # the LINE quota: only when LINE is on (the SDK loads slowly)
        from bot.adapters.line import LineAdapter
        line = LineAdapter(settings.line_channel_secret, settings.line_channel_access_token,
                           settings.line_api_base_url)
    try:
        if line is not None:
            await line.start()
        p = await preview(audience, replies, line)
        quiet = QuietHours.parse(settings.quiet_hours)
        print(preview_text(content, p, args.text, at, now, quiet, args.urgent, cli=True))
        if p.over_quota or p.total == 0:
            key = "broadcast.over_quota" if p.over_quota else "broadcast.empty_audience"
            print(content.t(key, cost=f"{p.line_cost:,}", remaining=f"{p.remaining or 0:,}"))
            return 1
        if not (args.yes or _confirmed()):
            print("not sent: run again with --yes to send", file=sys.stderr)
            return 1
        cast_id = await schedule(audience=audience, replies=replies, run_at=at or now,
                                 district=ALL, sender=("", "", ""), urgent=args.urgent)
    finally:
        if line is not None:
            await line.close()
        await close_db()
    print(f"scheduled broadcast #{cast_id}; the running bot (run.py serve) sends it; "
          f"see run.py broadcast status {cast_id}")
    return 0


async def _tell_chat(content: Content, cast: Broadcast) -> None:
    """A cancel from the command line is told where the broadcast was composed (else the
    district's staff chat), so the clerks do not wait for it."""
    platform, chat = cast.sender_platform, cast.sender_chat
    if not chat and cast.district and cast.district != ALL:
        row = await staff_chat_of(cast.district)
        platform, chat = (row.platform, row.chat_id) if row is not None else ("", "")
    if not chat:
        return
    audience = audience_label(content, cast.audience, "zh-TW", await event_info(cast.audience))
    text = content.t("broadcasts.cancelled_cli", id=cast.id, audience=audience)
    await jobs.enqueue_send(platform, chat, [reply_to_dict(Text(text))],
                            dedupe_key=f"broadcast:{cast.id}:cancelled")


def _confirmed() -> bool:
    if not sys.stdin.isatty():
        return False
    return input("Send it? [y/N] ").strip().lower() in ("y", "yes")


async def _manage(content: Content, args: argparse.Namespace, quiet: QuietHours) -> int:
    command = args.broadcast_command
    if command == "list":
        print("id\tstatus\taudience\tgoes (Taipei)\tasked for\tsent/total")
        for row in await store.recent(50):
            goes = goes_at(row.run_at, quiet, row.urgent)
            print(f"#{row.id}\t{row.status}\t{row.audience}\t{shown(goes, 'en')}\t"
                  f"{shown(row.run_at, 'en')}\t{row.sent:,}/{row.total:,}")
        return 0
    found = await store.get(args.id)
    if found is None:
        raise CliError(f"no broadcast #{args.id} (run.py broadcast list)")
    if command == "cancel":
        if not await store.set_status(found.id, "cancelled", "cancelled"):
            print(f"#{found.id} is {found.status}: nothing to cancel")
            return 1
        await _tell_chat(content, found)
        found = await store.get(found.id)
    cast = found
    assert cast is not None
    print(status_text(content, cast, await store.reasons(cast.id), "en", quiet,
                      await event_info(cast.audience)))
    sizes = ", ".join(f"{k} {v:,}" for k, v in sorted((cast.per_platform or {}).items()))
    print(f"recipients per platform: {sizes or '-'}; LINE messages: {cast.line_cost:,}")
    return 0
