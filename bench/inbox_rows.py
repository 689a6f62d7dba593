"""Read the bot's inbox after a bench run: each event's status and reply state."""

from __future__ import annotations

import sqlite3

import asyncpg


async def inbox_rows(database_url: str) -> dict[str, tuple[str, str | None]]:
    """event_key -> (status, reply_state) for every row of inbound_event."""
    query = "SELECT event_key, status, reply_state FROM inbound_event"
    if database_url.startswith("sqlite://"):
        path = database_url.removeprefix("sqlite://").split("?")[0]
        with sqlite3.connect(path) as db:
            return {key: (status, state) for key, status, state in db.execute(query)}
    conn = await asyncpg.connect(database_url.replace("postgresql://", "postgres://", 1))
    try:
        return {r["event_key"]: (r["status"], r["reply_state"]) for r in await conn.fetch(query)}
    finally:
        await conn.close()
