"""Database set-up: tortoise config from DATABASE_URL, migrations, open/close."""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path
from typing import Any

from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.context import get_current_context
from tortoise.migrations.api import migrate

from bot.common.settings import DEFAULT_DATABASE_URL, SettingsError
from bot.storage.migrate_lock import migration_lock, pending

MODELS = ["bot.storage.models"]
MIGRATIONS = "bot.storage.migrations"
log = logging.getLogger("bot.db")


class DatabaseUnavailable(SettingsError):
    """DATABASE_URL names a database that does not answer (one line, exit code 2)."""


def tortoise_config(database_url: str) -> dict[str, Any]:
    """The tortoise config for one database URL (sqlite:// or postgres://)."""
    url = database_url.replace("postgresql://", "postgres://", 1)
    if url.startswith("sqlite://") and ":memory:" not in url and "synchronous" not in url:
        # WAL (tortoise's default) with synchronous=NORMAL: a commit survives a process crash
        # or restart (what the inbox promises); only an OS crash or power cut may lose the
        # last commits. FULL would fsync every commit and cap the embedded mode near 170
        # events/s. Production runs on PostgreSQL.
        url += ("&" if "?" in url else "?") + "synchronous=NORMAL"
    connection: str | dict[str, Any] = url
    if url.startswith("postgres://"):
        connection = expand_db_url(url)
        # asyncpg's pool sends RESET ALL / UNLISTEN / CLOSE ALL / advisory unlock on every
        # release: a round trip per query for session state this bot never changes.
        connection["credentials"]["reset"] = _keep_session
    return {
        "connections": {"default": connection},
        "apps": {
            "models": {
                "models": MODELS,
                "default_connection": "default",
                "migrations": MIGRATIONS,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def _keep_session(connection: Any) -> None:
    """asyncpg pool reset hook: nothing to undo (no SET, LISTEN, cursors or advisory locks)."""


_announced: set[Path] = set()  # new SQLite files already logged by this process


def prepare_sqlite(database_url: str) -> None:
    """Before a SQLite file is opened: create the default `data/` directory of a first run,
    refuse (SettingsError, one line) an explicit DATABASE_URL whose directory is missing (a
    moved or unmounted data directory must not become a fresh empty database), and log once
    that a new database is being created."""
    if not database_url.startswith("sqlite://") or ":memory:" in database_url:
        return
    path = Path(database_url.removeprefix("sqlite://").split("?")[0])
    if not path.parent.is_dir():
        if database_url != DEFAULT_DATABASE_URL:
            raise SettingsError(f"DATABASE_URL: the directory {path.parent} does not exist; "
                                f"create it or point DATABASE_URL at the existing database")
        path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() and path not in _announced:
        _announced.add(path)
        log.warning("DATABASE_URL: no database at %s: creating a new, empty one", path)


async def apply_migrations(database_url: str) -> None:
    """Bring the schema up to date (idempotent; once for many processes: an advisory lock)."""
    prepare_sqlite(database_url)
    async with migration_lock(database_url):
        await migrate(config=tortoise_config(database_url))
        await Tortoise.close_connections()


async def pending_migrations(database_url: str) -> list[str]:
    """The migrations this database still needs (none: up to date)."""
    prepare_sqlite(database_url)
    return await pending(tortoise_config(database_url))


async def open_db(database_url: str, *, migrate_first: bool = False, wait: float = 0.0) -> None:
    """Connect the ORM in the running task's context (optionally migrating first) and check
    that the database answers, trying again for `wait` seconds (it may still be starting);
    DatabaseUnavailable, naming DATABASE_URL, when it never does."""
    prepare_sqlite(database_url)  # a missing directory is not worth waiting for
    loop = asyncio.get_running_loop()
    deadline, delay = loop.time() + wait, 0.5
    while True:
        try:
            await _open_once(database_url, migrate_first)
            return
        except Exception as exc:
            await _close_leftover()
            why = _why(exc)
            if loop.time() + delay > deadline:
                raise DatabaseUnavailable(f"DATABASE_URL: cannot use {safe_url(database_url)} "
                                          f"({why}); is the database running?") from None
            log.warning("database not reachable (%s); trying again in %.1f s", why, delay)
        await asyncio.sleep(delay)
        delay = min(delay * 2, 5.0)


async def _open_once(database_url: str, migrate_first: bool) -> None:
    if migrate_first:
        await apply_migrations(database_url)
    prepare_sqlite(database_url)
    await _close_leftover()
    # Global fallback: aiohttp runs request handlers and our worker in tasks that do not
    # always inherit the start-up task's context; one database per process makes this safe.
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)
    # Connects now, in this context (a pool first opened inside a task would outlive it).
    await connections.get("default").execute_query("SELECT 1")


def _why(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:120]}" if str(exc) else type(exc).__name__


def safe_url(database_url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(//[^:/@]*):[^@/]*@", r"\1:***@", database_url)


async def _close_leftover() -> None:
    """Close a context a failed start-up left open: one database per process, the new wins."""
    leftover = get_current_context()
    if leftover is not None:
        await leftover.close_connections()
        EXECUTOR_CACHE.clear()


async def close_db() -> None:
    """Close every connection (and forget SQL built for this backend)."""
    await Tortoise.close_connections()
    # tortoise caches INSERT/DELETE SQL per connection *name*, not per dialect: a process that
    # reopens "default" on another backend (tests do: SQLite, then PostgreSQL) needs it cleared.
    EXECUTOR_CACHE.clear()
