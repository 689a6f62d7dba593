"""`run.py ivoting import FILE [--samples]` and `run.py ivoting list`: the i-Voting calendar.

Import checks the whole file first (nothing is stored when any period has a problem), stores
each period by its id and schedules its reminders; a period whose dates changed gets new
reminders and its old ones send nothing. Sample periods need --samples.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.common.settings import Settings
from bot.common.times import shown
from bot.ivoting.calendar import load_calendar
from bot.ivoting.reminders import schedule
from bot.proposals.spec import ProposalSpec
from bot.storage import ivoting
from bot.storage.db import close_db, open_db


def add_parsers(sub: Any) -> None:
    """The `ivoting` subcommands."""
    iv = sub.add_parser("ivoting", help="the i-Voting calendar: import, list")
    ivs = iv.add_subparsers(dest="ivoting_command", required=True)
    imp = ivs.add_parser("import", help="load periods from a calendar file, schedule reminders")
    imp.add_argument("file", help="e.g. content/ivoting.yaml")
    imp.add_argument("--samples", action="store_true", help="also load sample periods")
    ivs.add_parser("list", help="the stored periods")


async def run_ivoting_cli(settings: Settings, args: argparse.Namespace) -> int:
    """Run an ivoting subcommand; exit 2 on a bad file."""
    districts = tuple(d.id for d in ProposalSpec.load(settings.content_dir).districts)
    if args.ivoting_command == "import":
        path = Path(args.file)
        calendar = load_calendar(path, districts)
        if calendar.problems:
            for problem in calendar.problems:
                print(f"Error: {problem}", file=sys.stderr)
            print("nothing imported", file=sys.stderr)
            return 2
    await open_db(settings.database_url, migrate_first=settings.database_url.startswith("sqlite"))
    try:
        if args.ivoting_command == "list":
            for p in await ivoting.periods():
                print(f"{p.id}\t{p.scope}\t{shown(p.opens, 'en')}\t{shown(p.closes, 'en')}\t"
                      f"{p.title}")
            return 0
        for p in calendar.periods:
            if p.sample and not args.samples:
                print(f"skipped sample {p.id} (use --samples to load it)")
                continue
            outcome = await ivoting.upsert(p)
            count = await schedule(p, settings.ivoting_open_reminder,
                                   settings.ivoting_closing_reminder_hours)
            print(f"{outcome}: {p.id} {p.title} ({count} reminder(s))")
    finally:
        await close_db()
    return 0
