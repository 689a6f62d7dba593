"""Migrations for many processes: applied once under a PostgreSQL advisory lock, and checked.

Every process of a city deployment may run `run.py migrate` (systemd's ExecStartPre) at the
same moment: the first takes the lock and migrates, the others wait on it and then find
nothing left to do. The lock is held on its own connection (asyncpg), apart from the ORM's
pool, and goes with that connection even if the process dies.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tortoise import Tortoise
from tortoise.migrations.api import plan

LOCK_KEY = 0x43495649  # "CIVI": one advisory lock id for this bot's schema


@asynccontextmanager
async def migration_lock(database_url: str) -> AsyncIterator[None]:
    """Hold the schema's advisory lock (PostgreSQL); nothing on SQLite (one process)."""
    if not database_url.startswith(("postgres://", "postgresql://")):
        yield
        return
    import asyncpg
    conn = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", LOCK_KEY)
        yield
    finally:
        with contextlib.suppress(Exception):
            await conn.execute("SELECT pg_advisory_unlock($1)", LOCK_KEY)
        await conn.close()


async def pending(config: dict[str, object]) -> list[str]:
    """Names of the migrations not applied yet (for `run.py migrate --check`)."""
    with contextlib.redirect_stdout(io.StringIO()):  # plan() prints its lines too
        lines = await plan(config=config)
    await Tortoise.close_connections()
    return [line[2:] for line in lines if line.startswith("+ ")]
