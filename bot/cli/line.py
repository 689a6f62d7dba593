"""`run.py line richmenu`: draw the rich menu from content/richmenu.yaml and install it."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from bot.common.content import ContentError
from bot.common.settings import Settings


def add_parsers(sub: Any) -> None:
    """The `line` subcommand and its `richmenu` action."""
    line = sub.add_parser("line", help="LINE channel set-up")
    actions = line.add_subparsers(dest="line_command", required=True)
    menu = actions.add_parser("richmenu", help="draw the rich menu from content/richmenu.yaml "
                              "and make it every user's default (replaces the old one)")
    menu.add_argument("--image", metavar="FILE", help="also save the drawn image to FILE")
    menu.add_argument("--dry-run", action="store_true",
                      help="draw and check only; change nothing on LINE")


def run_line_cli(settings: Settings, args: argparse.Namespace) -> int:
    """Run `line richmenu`; 0 when done, 1 when something failed, 2 for a missing setting."""
    from bot.richmenu.draw import FontMissing, draw
    from bot.richmenu.spec import RichMenuSpec, check_richmenu

    try:
        spec = RichMenuSpec.load(settings.content_dir)
    except ContentError as exc:
        return _fail(str(exc))
    problems = check_richmenu(spec)
    if problems:
        return _fail("; ".join(problems) + " (run.py check-content)")
    try:
        picture = draw(spec)
    except FontMissing as exc:
        return _fail(str(exc))
    if args.image:
        Path(args.image).write_bytes(picture.data)
        print(f"image saved to {args.image}")
    print(f"rich menu: {len(spec.tiles)} tiles, {spec.width}x{spec.height}, "
          f"{picture.content_type}, {len(picture.data):,} bytes")
    if args.dry_run:
        return 0
    if not settings.line_channel_access_token:
        print("LINE_CHANNEL_ACCESS_TOKEN is not set: set it (and LINE_CHANNEL_SECRET) to install "
              "the rich menu, or use --dry-run", file=sys.stderr)
        return 2
    return asyncio.run(_install(settings, spec, picture))


async def _install(settings: Settings, spec: Any, picture: Any) -> int:
    from bot.adapters.line_richmenu import RichMenuError, install

    try:
        done = await install(spec, picture, token=settings.line_channel_access_token,
                             api_base=settings.line_api_base_url,
                             data_base=settings.line_data_api_base_url)
    except RichMenuError as exc:
        return _fail(str(exc))
    state = "created and set as the default" if done.created else "already the default"
    print(f"rich menu {done.rich_menu_id}: {state}; {len(done.deleted)} older menu(s) deleted")
    return 0


def _fail(message: str) -> int:
    print(f"rich menu: {message}", file=sys.stderr)
    return 1
