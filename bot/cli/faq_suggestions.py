"""`run.py faq-suggestions list|accept ID|reject ID`: staff review of FAQ entries volunteers
suggested from tickets (names, phone numbers and addresses already removed)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from bot.cli.check import collect_errors
from bot.common.content import Content
from bot.common.settings import Settings
from bot.storage.db import close_db, open_db
from bot.storage.models import FaqSuggestion
from bot.storage.tickets import volunteers
from bot.tickets.faq import FILE, build_entry, entry_id_for, write_checked


async def run_suggestions(settings: Settings, args: argparse.Namespace) -> int:
    """Run a `faq-suggestions` subcommand; exit 2 with one line on a problem."""
    await open_db(settings.database_url, migrate_first=settings.database_url.startswith("sqlite"))
    try:
        command = args.suggestions_command
        if command == "list":
            return await _list(args.all)
        found = await volunteers.suggestion(args.id)
        if found is None or found.status != "pending":
            state = "not found" if found is None else f"already {found.status}"
            print(f"Error: suggestion {args.id} is {state}", file=sys.stderr)
            return 2
        if command == "reject":
            await volunteers.decide(found.id, "rejected")
            print(f"rejected suggestion {found.id} (ticket #{found.ticket_ref})")
            return 0
        return await _accept(settings, found, args)
    finally:
        await close_db()


async def _list(every: bool) -> int:
    rows = await volunteers.suggestions(None if every else "pending")
    for s in rows:
        print(f"[{s.id}] {s.status} ticket #{s.ticket_ref} {s.created_at:%Y-%m-%d}\n"
              f"  Q: {s.question}\n  A: {' '.join(s.answer.split())}")
    print(f"{len(rows)} suggestion(s)")
    return 0


async def _accept(settings: Settings, found: FaqSuggestion, args: argparse.Namespace) -> int:
    content = Content.load(settings.content_dir)
    entry_id = args.entry_id or entry_id_for(found.ticket_ref)
    entry = build_entry(content, entry_id=entry_id, ref=found.ticket_ref,
                        question=found.question, answer=args.answer or found.answer,
                        questions=list(args.question), year=datetime.now(UTC).year)
    problems = write_checked(settings.content_dir, entry, lambda: collect_errors(settings))
    if problems:
        print("Error: the entry would not pass check-content; nothing written:",
              file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        print("Fix it with --answer / --question / --entry-id, or reject it.", file=sys.stderr)
        return 2
    await volunteers.decide(found.id, "accepted", entry_id)
    print(f"accepted suggestion {found.id}: FAQ entry {entry_id} written to content/faq/{FILE}; "
          "restart the bot to answer it")
    return 0
