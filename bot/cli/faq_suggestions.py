"""`run.py faq-suggestions list|accept ID|reject ID`: staff review of FAQ entries volunteers
suggested from tickets (names, phone numbers and addresses already removed)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

import yaml

from bot.cli.check import collect_errors
from bot.common.content import Content
from bot.common.settings import Settings
from bot.common.times import shown
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
        if not s.written:  # an older suggestion: a resident's words, shown to no one
            print(f"[{s.id}] {s.status} ticket #{s.ticket_ref} {shown(s.created_at)}\n"
                  "  (from before volunteers wrote suggestions: accept with --question and "
                  "--answer, or reject)")
            continue
        print(f"[{s.id}] {s.status} ticket #{s.ticket_ref} {shown(s.created_at)}\n"
              f"  Q: {s.question}\n  A: {' '.join(s.answer.split())}")
    print(f"{len(rows)} suggestion(s)")
    return 0


def _written(found: FaqSuggestion, args: argparse.Namespace) -> tuple[str, list[str], str] | None:
    """(question, more phrasings, answer) as the volunteer or the accepter wrote them; None
    when only a resident's words are there (an older suggestion): those are never copied."""
    phrasings = [q.strip() for q in args.question if q.strip()]
    if found.written:
        return found.question, phrasings, (args.answer or found.answer).strip()
    if not phrasings or not (args.answer or "").strip():
        return None
    return phrasings[0], phrasings[1:], str(args.answer).strip()


def _confirm(entry: dict[str, Any], yes: bool) -> bool:
    """Print the entry as it will be written; ask unless --yes."""
    print("This entry will be written to content/faq/" + FILE + ":")
    print(yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=100).rstrip())
    if yes:
        return True
    try:
        answer = input("Write it? [y/N] ")
    except EOFError:
        answer = ""
    return answer.strip().lower() in ("y", "yes")


async def _accept(settings: Settings, found: FaqSuggestion, args: argparse.Namespace) -> int:
    content = Content.load(settings.content_dir)
    entry_id = args.entry_id or entry_id_for(found.ticket_ref)
    written = _written(found, args)
    if written is None:
        print(f"Error: suggestion {found.id} holds a resident's words, which are never "
              "published: write the entry with --question and --answer", file=sys.stderr)
        return 2
    question, phrasings, answer = written
    entry = build_entry(content, entry_id=entry_id, ref=found.ticket_ref, question=question,
                        answer=answer, questions=phrasings, year=datetime.now(UTC).year)
    if not _confirm(entry, args.yes):
        print("nothing written")
        return 1
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
