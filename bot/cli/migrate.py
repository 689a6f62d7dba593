"""`run.py migrate [--check]`: apply migrations (once, for many processes), or check them."""

from __future__ import annotations

from bot.common.settings import Settings
from bot.storage.db import apply_migrations, pending_migrations, safe_url


async def run_migrate(settings: Settings, *, check: bool) -> int:
    """Apply pending migrations (0); with check, apply nothing: 1 when some are pending."""
    if not check:
        await apply_migrations(settings.database_url)
        print("migrations applied")
        return 0
    waiting = await pending_migrations(settings.database_url)
    where = safe_url(settings.database_url)
    if waiting:
        print(f"{len(waiting)} migration(s) pending on {where}: {', '.join(waiting)}; "
              "run `run.py migrate`")
        return 1
    print(f"no migrations pending on {where}")
    return 0
