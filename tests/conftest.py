"""Shared fixtures: databases (SQLite and PostgreSQL), content, clean environment."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.handlers.deps import Deps
from bot.runtime.dispatcher import Dispatcher
from bot.storage.db import close_db, open_db
from tests.chat import Chat, shared_deps
from tests.events_harness import FakeClock, World, clocked_deps, services_for

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")

os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
os.environ["no_proxy"] = os.environ["NO_PROXY"]
for _name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "TELEGRAM_BOT_TOKEN",
              "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_WEBHOOK_URL", "DATABASE_URL"):
    os.environ.pop(_name, None)  # tests choose their own settings


async def _pg_reachable() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        import asyncpg
        conn = await asyncpg.connect(PG_ADMIN_URL, timeout=2)
    except Exception as exc:  # any failure means: skip, and say why
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(exc).__name__}: {exc}"
    await conn.close()
    return None


async def _new_pg_database() -> str:
    import asyncpg
    name = f"civic_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


async def _drop_pg_database(url: str) -> None:
    import asyncpg
    name = url.rsplit("/", 1)[1]
    conn = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite", "postgres"])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, empty database URL on each backend (PostgreSQL skipped when unreachable)."""
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path / 'test.sqlite3'}"
        return
    reason = await _pg_reachable()
    if reason:
        pytest.skip(reason)
    url = await _new_pg_database()
    yield url
    await _drop_pg_database(url)


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[str]:
    """The ORM connected to a freshly migrated database (each backend)."""
    await open_db(db_url, migrate_first=True)
    yield db_url
    await close_db()


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[str]:
    """The ORM on a freshly migrated SQLite file (for tests that are not about storage)."""
    url = f"sqlite://{tmp_path / 'bot.sqlite3'}"
    await open_db(url, migrate_first=True)
    yield url
    await close_db()


@pytest.fixture
def deps() -> Deps:
    """Content and understander, shared across the test session."""
    return shared_deps()


@pytest.fixture
def chat(sqlite_db: str, deps: Deps) -> Chat:
    """A local-platform user talking to a dispatcher on a fresh SQLite database."""
    return Chat(Dispatcher(deps))


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    """The bot's services with a fake clock on a fresh SQLite database (events tests)."""
    url = f"sqlite://{tmp_path / 'bot.sqlite3'}"
    await open_db(url, migrate_first=True)
    clock = FakeClock()
    yield services_for(url, clocked_deps(clock)), clock
    await close_db()
