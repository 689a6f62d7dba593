"""Command-line entry: parse the subcommand, load settings, run it."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.common.settings import Settings, SettingsError, load_settings

# The subcommands' own modules are imported when used: `run.py ask` answers in a fresh process
# and must not pay for the database, broadcast and web modules it does not need.


def _parser() -> argparse.ArgumentParser:
    from bot.cli import broadcast, ivoting, line
    from bot.cli import events as events_cli
    from bot.cli import inbox as inbox_cli
    from bot.cli.handoff_args import suggestion_parsers, volunteer_parsers
    from bot.cli.staff_args import add_parsers

    p = argparse.ArgumentParser(prog="run.py", description="Taipei Civic Bot")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("serve", help="the web server: webhooks, /healthz, local web chat (default)")
    sub.add_parser("chat", help="a console chat on the same core")
    _ask_arguments(sub.add_parser(
        "ask", help="answer questions (arguments, or one per line on stdin)"))
    sub.add_parser("telegram-polling", help="long polling for a bot with no public URL")
    migrate = sub.add_parser("migrate", help="apply database migrations")
    migrate.add_argument("--check", action="store_true",
                         help="apply nothing; exit 1 when migrations are pending (deploys)")
    sub.add_parser("check-content", help="validate everything under content/")
    report = sub.add_parser("faq-report", help="most frequent unanswered questions, feedback")
    report.add_argument("--limit", type=int, default=30)
    add_parsers(sub)
    line.add_parsers(sub)
    volunteer_parsers(sub)
    suggestion_parsers(sub)
    events_cli.add_parsers(sub)
    broadcast.add_parsers(sub)
    ivoting.add_parsers(sub)
    inbox_cli.add_parsers(sub)
    return p


def _ask_arguments(ask: argparse.ArgumentParser) -> argparse.ArgumentParser:
    ask.add_argument("--json", action="store_true", help="one JSON object per line")
    ask.add_argument("question", nargs="*")
    return ask


def main(argv: list[str] | None = None) -> int:
    """Run a subcommand; exit code 0 on success, 2 on a settings error."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["ask"]:  # the quick path: no other subcommand's modules
        args = _ask_arguments(argparse.ArgumentParser(prog="run.py ask")).parse_args(argv[1:])
        args.command = "ask"
    else:
        args = _parser().parse_args(argv)
    command = args.command or "serve"
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    if command != "ask":  # ask prints its answers; warnings reach stderr without set-up
        from bot.common.logs import setup_logging
        setup_logging(settings.log_level)
        if settings.log_format == "json":
            from bot.common.logs_json import use_json
            use_json()
    try:
        return _run(command, args, settings)
    except SettingsError as exc:  # found at start-up: a busy PORT, an unreachable database
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2


def _run(command: str, args: argparse.Namespace, settings: Settings) -> int:
    if command == "ask":
        from bot.cli.ask import run_ask
        return run_ask(settings, args.question, as_json=args.json)
    if command == "check-content":
        from bot.cli.check import run_check
        return run_check(settings)
    if command == "serve":
        from bot.cli.serve import run_serve
        return run_serve(settings)
    if command == "chat":
        from bot.cli.console import run_console
        return asyncio.run(run_console(settings))
    if command == "telegram-polling":
        from bot.cli.polling import run_polling
        return asyncio.run(run_polling(settings))
    if command == "migrate":
        from bot.cli.migrate import run_migrate
        return asyncio.run(run_migrate(settings, check=args.check))
    if command == "faq-report":
        from bot.cli.report import run_report
        return asyncio.run(run_report(settings, args.limit))
    if command == "line":
        from bot.cli import line
        return line.run_line_cli(settings, args)
    if command == "inbox":
        from bot.cli import inbox as inbox_cli
        return asyncio.run(inbox_cli.run_inbox_cli(settings, args))
    if command in ("staff", "proposals"):
        from bot.cli.staff import run_staff_cli
        return asyncio.run(run_staff_cli(settings, args))
    if command == "volunteers":
        from bot.cli.volunteers import run_volunteers
        return asyncio.run(run_volunteers(settings, args))
    if command == "faq-suggestions":
        from bot.cli.faq_suggestions import run_suggestions
        return asyncio.run(run_suggestions(settings, args))
    if command == "events":
        from bot.cli import events as events_cli
        return events_cli.run_events_cli(settings, args)
    if command in ("broadcast", "ivoting"):
        from bot.cli import broadcast, ivoting
        run = broadcast.run_broadcast_cli if command == "broadcast" else ivoting.run_ivoting_cli
        return asyncio.run(run(settings, args))
    raise AssertionError(command)
