"""`run.py staff link|logout`: a one-time sign-in link to the staff console, or sign-out."""

from __future__ import annotations

import sys

from bot.cli.output import CliError
from bot.common.settings import Settings
from bot.storage import console
from bot.storage.db import close_db, open_db


async def run_console_cli(settings: Settings, platform: str, user_id: str, command: str) -> int:
    """Print a link valid 10 minutes for one use, or end all of the person's sessions."""
    await open_db(settings.database_url, migrate_first=settings.database_url.startswith("sqlite"))
    try:
        if command == "logout":
            ended = await console.end_sessions(platform, user_id)
            print(f"ended {ended} console session(s) of {platform} {user_id}")
            return 0
        if not (await console.roles_of(platform, user_id)).any:
            raise CliError(f"{platform} {user_id} has no staff or volunteer role "
                           "(run.py staff add / run.py volunteers add)")
        token = await console.new_link(platform, user_id)
    finally:
        await close_db()
    print(f"{settings.base_url.rstrip('/')}/staff/login/{token}")
    print("valid for 10 minutes, for one sign-in", file=sys.stderr)
    return 0
