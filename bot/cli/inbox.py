"""`run.py inbox status` and `run.py inbox retry`: what is waiting, what gave up, try again."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from bot.settings import Settings

# Storage is imported inside the runner: `run.py --help` and other commands stay light.


def add_parsers(sub: Any) -> None:
    """The `inbox` subcommand."""
    p = sub.add_parser("inbox", help="inbound events: backlog, dead letters, retry")
    ps = p.add_subparsers(dest="inbox_command", required=True)
    status = ps.add_parser("status", help="events per platform and status; the dead ones")
    status.add_argument("--limit", type=int, default=20, help="dead events to list")
    retry = ps.add_parser("retry", help="put dead events and unconfirmed replies back "
                                        "(all, or --id ...)")
    retry.add_argument("--id", type=int, action="append", dest="ids",
                       help="an event id from `inbox status` (repeatable)")


async def run_inbox_cli(settings: Settings, args: argparse.Namespace) -> int:
    """Run `inbox status` or `inbox retry`; the running bot picks retried events up."""
    from bot.storage import inbox
    from bot.storage.db import close_db, open_db

    await open_db(settings.database_url,
                  migrate_first=settings.database_url.startswith("sqlite"))
    try:
        if args.inbox_command == "retry":
            n = await inbox.requeue(args.ids)
            print(f"{n} event(s) put back; the running bot delivers them within seconds")
            return 0
        print(_format(await inbox.report(args.limit)))
        return 0
    finally:
        await close_db()


def _format(report: dict[str, Any]) -> str:
    from bot.storage.inbox import STATUSES

    now = datetime.now(UTC)
    lines = ["platform   " + "".join(f"{s:>9}" for s in STATUSES)]
    for platform, counts in sorted(report["counts"].items()):
        lines.append(f"{platform:<11}" + "".join(f"{counts.get(s, 0):>9}"
                                                 for s in STATUSES))
    if not report["counts"]:
        lines.append("(no events)")
    if report["oldest_waiting"] is not None:
        lines.append(f"oldest waiting: {_ago(now, report['oldest_waiting'])} ago")
    if report["next_retry"] is not None:
        lines.append(f"next retry in: {_ago(report['next_retry'], now)}")
    if report["dead"]:
        lines.append("dead (run.py inbox retry [--id ID]):")
    for row in report["dead"]:
        lines.append(f"  #{row['id']} {row['platform']} received {_ago(now, row['received_at'])}"
                     f" ago, {row['attempts']} attempt(s): {row['error'] or '-'}")
    return "\n".join(lines + _unknown_lines(report["unknown"]))


def _unknown_lines(unknown: dict[str, Any]) -> list[str]:
    lines = [f"replies of unknown outcome: {unknown['asking']} waiting for LINE to tell, "
             f"{unknown['pushed']} pushed as well (too late to ask; may have been seen twice)"]
    if unknown["unconfirmed"]:
        ids = " ".join(f"#{i}" for i in unknown["unconfirmed_ids"])
        lines.append(f"done without a confirmed reply: {unknown['unconfirmed']} "
                     f"(run.py inbox retry [--id ID]): {ids}")
    return lines


def _ago(later: datetime, earlier: datetime) -> str:
    seconds = max(0, int((later - earlier).total_seconds()))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"
