"""`run.py events import FILE | list | attendees ID --format csv|json`: the office's events."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.cli.output import CliError, emit_export
from bot.common.content import Content
from bot.common.settings import Settings
from bot.events import dates, export
from bot.events.importer import ImportReport, import_events
from bot.events.spec import EventSpec, load_file
from bot.proposals.spec import ProposalSpec
from bot.storage import events
from bot.storage.db import close_db, open_db


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `events` subcommand and its three commands."""
    p = sub.add_parser("events", help="walks and courses: import, list, attendee lists")
    cmds = p.add_subparsers(dest="events_command", required=True)
    imp = cmds.add_parser("import", help="add or update events from a YAML file")
    imp.add_argument("file")
    cmds.add_parser("list", help="events not yet ended, with registered / capacity / waiting")
    att = cmds.add_parser("attendees", help="an event's attendee list for office records")
    att.add_argument("event_id")
    att.add_argument("--format", default="csv", help="csv (default), xlsx or json")
    att.add_argument("--output", help="write to this file (CSV gets a BOM for Excel)")


def run_events_cli(settings: Settings, args: argparse.Namespace) -> int:
    """Run an `events` command; one clear line and exit code 2 on bad input."""
    try:
        return asyncio.run(_run(settings, args))
    except CliError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2



async def _run(settings: Settings, args: argparse.Namespace) -> int:
    content = Content.load(settings.content_dir)
    if args.events_command == "import":
        specs = _read(settings, Path(args.file))
        async with _db(settings):
            report = await import_events(specs, datetime.now(UTC))
        _print_report(report)
        return 0
    if args.events_command == "list":
        async with _db(settings):
            found = await events.all_events(since=datetime.now(UTC))
        for ev in found:
            print(f"{ev.id}\t{dates.iso_day(ev.starts)} {dates.clock(ev.starts)}\t{ev.district}"
                  f"\t{ev.title}\t{ev.registered}/{ev.capacity}\twaiting {ev.waiting}"
                  f"\t{ev.status}")
        print(f"{len(found)} event(s)")
        return 0
    return await _attendees(settings, content, args)


def _read(settings: Settings, path: Path) -> list[EventSpec]:
    spec = ProposalSpec.load(settings.content_dir)
    if not path.is_file():
        raise CliError(f"no such file: {path}")
    specs, errors = load_file(path, [d.id for d in spec.districts])
    for error in errors:
        print(f"ERROR {error}", file=sys.stderr)
    if errors:
        raise CliError(f"{len(errors)} problem(s) in {path.name}: nothing was imported")
    return specs


def _print_report(report: ImportReport) -> None:
    for event_id in report.added:
        print(f"added: {event_id}")
    for event_id, changed in report.changed:
        print(f"changed: {event_id} ({', '.join(changed)})")
    for warning in report.warnings:
        print(f"WARNING {warning}")
    print(f"{len(report.added)} added, {len(report.changed)} changed, "
          f"{len(report.unchanged)} left alone; {report.notified} registrant(s) will be told "
          "of changes (the running bot sends the notices)")


async def _attendees(settings: Settings, content: Content, args: argparse.Namespace) -> int:
    if args.format not in export.FORMATS:
        raise CliError(f"unknown format {args.format!r}: use csv, json or xlsx")
    if args.format == "xlsx" and not args.output:
        raise CliError("--format xlsx writes a file: add --output NAME.xlsx")
    async with _db(settings):
        ev = await events.get(args.event_id)
        people = await events.attendees(args.event_id) if ev else []
    if ev is None:
        raise CliError(f"no event {args.event_id!r} (run.py events list shows the ids)")
    text = export.render(args.format, ev, people, content)
    return emit_export(args.output, text, args.format, f"{len(people)} attendee(s)")



class _db:
    """The database, opened for one command (SQLite migrates on the way)."""

    def __init__(self, settings: Settings) -> None:
        self.url = settings.database_url

    async def __aenter__(self) -> None:
        await open_db(self.url, migrate_first=self.url.startswith("sqlite"))

    async def __aexit__(self, *exc: object) -> None:
        await close_db()
