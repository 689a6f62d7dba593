"""Set-based SQL for the webhook hot path: one statement per batch instead of one per row.

Used on tortoise's own connection (inside the caller's transaction, if any) for what every
event costs: recording it, saving its conversation, marking it handled. PostgreSQL takes arrays
(`unnest`), so a statement's text is the same for any batch size (prepared once); SQLite
takes a multi-row VALUES list. Everything off the hot path keeps the ORM.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

Key = tuple[str, str, str]
# (key, old version, state, data, nonce, locale)
ConvRow = tuple[Key, int, str, Any, str, str]
CONV_COLUMNS = ("platform", "chat_id", "user_id", "old", "state", "data", "nonce", "locale")
CONV_TYPES = ("text", "text", "text", "int", "text", "text", "text", "text")

PG_UPDATE = """
WITH v AS (SELECT * FROM unnest({arrays}) AS v({columns})),
locked AS (  -- rows locked in id order: two batches sharing rows cannot deadlock
  SELECT c.id, v.* FROM conversation c JOIN v ON c.platform = v.platform
    AND c.chat_id = v.chat_id AND c.user_id = v.user_id AND c.version = v.old
  ORDER BY c.id FOR UPDATE OF c)
UPDATE conversation c SET version = l.old + 1, state = l.state, data = l.data::jsonb,
  nonce = l.nonce, locale = l.locale, updated_at = ${now}
FROM locked l WHERE c.id = l.id AND c.version = l.old
RETURNING c.platform, c.chat_id, c.user_id"""
PG_INSERT = """
INSERT INTO conversation (platform, chat_id, user_id, version, state, data, nonce, locale,
  updated_at)
SELECT v.platform, v.chat_id, v.user_id, 1, v.state, v.data::jsonb, v.nonce, v.locale, ${now}
FROM unnest({arrays}) AS v({columns})
ON CONFLICT (platform, chat_id, user_id) DO NOTHING
RETURNING platform, chat_id, user_id"""
SQLITE_UPDATE = """
WITH v({columns}) AS (VALUES {values})
UPDATE conversation SET version = v.old + 1, state = v.state, data = v.data, nonce = v.nonce,
  locale = v.locale, updated_at = ?
FROM v WHERE conversation.platform = v.platform AND conversation.chat_id = v.chat_id
  AND conversation.user_id = v.user_id AND conversation.version = v.old
RETURNING platform, chat_id, user_id"""
# "WHERE true": SQLite's parser needs a WHERE before ON CONFLICT in INSERT ... SELECT.
SQLITE_INSERT = """
WITH v({columns}) AS (VALUES {values})
INSERT INTO conversation (platform, chat_id, user_id, version, state, data, nonce, locale,
  updated_at)
SELECT platform, chat_id, user_id, 1, state, data, nonce, locale, ? FROM v WHERE true
ON CONFLICT (platform, chat_id, user_id) DO NOTHING
RETURNING platform, chat_id, user_id"""


PG_RECORD = """
INSERT INTO inbound_event (platform, event_key, conv_key, payload, status, attempts, sent,
  received_at, locked_until)
SELECT v.platform, v.event_key, v.conv_key, v.payload, 'pending', $7, 0, $5, $6
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
  AS v(platform, event_key, conv_key, payload)
ON CONFLICT (platform, event_key) DO NOTHING
RETURNING id, platform, event_key"""
SQLITE_RECORD = """
INSERT INTO inbound_event (platform, event_key, conv_key, payload, status, attempts, sent,
  received_at, locked_until)
VALUES {values}
ON CONFLICT (platform, event_key) DO NOTHING
RETURNING id, platform, event_key"""
PG_HANDLED = """
UPDATE inbound_event e SET status = 'handled', replies = v.replies
FROM unnest($1::bigint[], $2::text[]) AS v(id, replies) WHERE e.id = v.id"""
SQLITE_HANDLED = """
WITH v(id, replies) AS (VALUES {values})
UPDATE inbound_event SET status = 'handled', replies = v.replies
FROM v WHERE inbound_event.id = v.id"""

# The claim: one statement leases the oldest claimable rows (others' leases are skipped).
PG_CLAIM = """
UPDATE inbound_event SET locked_until = $1, attempts = attempts + 1
WHERE id IN (SELECT id FROM inbound_event WHERE status IN ('pending', 'handled')
  AND platform = ANY($2::text[]) AND (locked_until IS NULL OR locked_until < $3)
  ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED)
RETURNING *"""
SQLITE_CLAIM = """
UPDATE inbound_event SET locked_until = ?, attempts = attempts + 1
WHERE id IN (SELECT id FROM inbound_event WHERE status IN ('pending', 'handled')
  AND platform IN ({platforms}) AND (locked_until IS NULL OR locked_until < ?)
  ORDER BY id LIMIT ?)
RETURNING *"""


def connection() -> BaseDBAsyncClient:
    """The default connection (the transaction's, inside in_transaction())."""
    conn: BaseDBAsyncClient = connections.get("default")
    return conn


def is_postgres(conn: BaseDBAsyncClient) -> bool:
    """True on PostgreSQL (arrays and row locks), False on SQLite."""
    return bool(conn.capabilities.dialect == "postgres")


async def save_conversations(rows: Sequence[ConvRow]) -> set[Key]:
    """Store each conversation whose version is still `old` (0: not stored yet); the keys
    stored. Call inside a transaction."""
    conn = connection()
    now = datetime.now(UTC)
    saved: set[Key] = set()
    updates = sorted(r for r in rows if r[1] > 0)
    inserts = sorted(r for r in rows if r[1] == 0)
    for batch, pg_sql, lite_sql in ((updates, PG_UPDATE, SQLITE_UPDATE),
                                    (inserts, PG_INSERT, SQLITE_INSERT)):
        if batch:
            values = [(*key, old, state, json.dumps(data, separators=(",", ":"),
                                                    ensure_ascii=False), nonce, locale)
                      for key, old, state, data, nonce, locale in batch]
            found = await _run(conn, pg_sql, lite_sql, values, now)
            saved |= {(r["platform"], r["chat_id"], r["user_id"]) for r in found}
    return saved


async def _run(conn: BaseDBAsyncClient, pg_sql: str, lite_sql: str,
               values: list[tuple[Any, ...]], now: datetime) -> list[dict[str, Any]]:
    """One statement over `values` (rows of CONV_COLUMNS) plus the time as last parameter."""
    if is_postgres(conn):
        arrays = ", ".join(f"${i + 1}::{t}[]" for i, t in enumerate(CONV_TYPES))
        sql = pg_sql.format(arrays=arrays, columns=", ".join(CONV_COLUMNS),
                            now=len(CONV_COLUMNS) + 1)
        columns = [list(col) for col in zip(*values, strict=True)]
        return await conn.execute_query_dict(sql, [*columns, now])
    row = "(" + ", ".join("?" * len(CONV_COLUMNS)) + ")"
    sql = lite_sql.format(columns=", ".join(CONV_COLUMNS),
                          values=", ".join([row] * len(values)))
    flat = [v for r in values for v in r]
    return await conn.execute_query_dict(sql, [*flat, sqlite_time(now)])


async def record_events(rows: Sequence[tuple[str, str, str, str]], now: datetime,
                        until: datetime | None = None) -> dict[tuple[str, str], int]:
    """Insert (platform, event_key, conv_key, payload JSON) rows as pending, skipping keys
    already stored (redeliveries): one statement, committed when it returns. With `until`,
    the new rows are leased to this process until then (attempt 1). Returns the new rows'
    ids by (platform, event_key)."""
    if not rows:
        return {}
    conn = connection()
    attempts = 0 if until is None else 1
    if is_postgres(conn):
        columns = [list(c) for c in zip(*rows, strict=True)]
        found = await conn.execute_query_dict(PG_RECORD, [*columns, now, until, attempts])
    else:
        at, lease = sqlite_time(now), None if until is None else sqlite_time(until)
        values = ", ".join([f"(?, ?, ?, ?, 'pending', {attempts}, 0, ?, ?)"] * len(rows))
        found = await conn.execute_query_dict(SQLITE_RECORD.format(values=values),
                                              [v for row in rows for v in (*row, at, lease)])
    return {(r["platform"], r["event_key"]): int(r["id"]) for r in found}


async def mark_handled(handled: dict[int, str]) -> None:
    """Set rows (id -> replies JSON) to handled: one statement (call inside the transaction
    that saves their turns)."""
    if not handled:
        return
    conn = connection()
    ids = sorted(handled)
    if is_postgres(conn):
        await conn.execute_query(PG_HANDLED, [ids, [handled[i] for i in ids]])
        return
    values = ", ".join(["(?, ?)"] * len(ids))
    await conn.execute_query(SQLITE_HANDLED.format(values=values),
                             [v for i in ids for v in (i, handled[i])])


async def claim(limit: int, platforms: list[str], now: datetime, until: datetime
                ) -> list[dict[str, Any]]:
    """Lease up to limit waiting rows of these platforms until `until`; the rows as stored
    now, oldest first (one statement)."""
    conn = connection()
    if is_postgres(conn):
        rows = await conn.execute_query_dict(PG_CLAIM, [until, platforms, now, limit])
    else:
        sql = SQLITE_CLAIM.format(platforms=", ".join("?" * len(platforms)))
        rows = await conn.execute_query_dict(
            sql, [sqlite_time(until), *platforms, sqlite_time(now), limit])
    return sorted(rows, key=lambda r: int(r["id"]))


def sqlite_time(moment: datetime) -> str:
    """A datetime as tortoise stores it in SQLite (text that sorts in time order)."""
    return str(moment)
