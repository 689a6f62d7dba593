"""Conversation state: load at the start of a turn, save once at its end."""

from __future__ import annotations

from typing import Any

from tortoise.exceptions import IntegrityError

from bot.core.types import Context
from bot.storage import batch_sql
from bot.storage.models import Conversation

Key = tuple[str, str, str]


class Conflict(Exception):
    """Another worker saved this conversation first; the turn must be run again."""


async def load(key: Key) -> Context:
    """The stored context for key, or a fresh one (version 0)."""
    platform, chat_id, user_id = key
    row = await Conversation.get_or_none(platform=platform, chat_id=chat_id, user_id=user_id)
    return Context() if row is None else _context(row)


def _context(row: Conversation) -> Context:
    return Context(state=row.state, data=dict(row.data), nonce=row.nonce,
                   version=row.version, locale=row.locale)


async def save(key: Key, old_version: int, ctx: Context) -> None:
    """Store ctx if nobody saved since old_version; raise Conflict otherwise."""
    platform, chat_id, user_id = key
    values: dict[str, Any] = {"state": ctx.state, "data": ctx.data, "nonce": ctx.nonce,
                              "locale": ctx.locale}
    if old_version == 0:
        try:
            await Conversation.create(platform=platform, chat_id=chat_id, user_id=user_id,
                                      version=1, **values)
        except IntegrityError:
            raise Conflict(key) from None
        return
    updated = await Conversation.filter(
        platform=platform, chat_id=chat_id, user_id=user_id, version=old_version
    ).update(version=old_version + 1, **values)
    if updated == 0:
        raise Conflict(key)


async def delete_user(platform: str, user_id: str) -> int:
    """Delete every conversation of a user on a platform; return how many."""
    return await Conversation.filter(platform=platform, user_id=user_id).delete()


async def load_many(keys: list[Key]) -> dict[Key, Context]:
    """The stored contexts for several keys in one query (fresh ones for unknown keys)."""
    wanted = set(keys)
    if not wanted:
        return {}
    # One query on each column's values; the few extra (chat, user) pairs are dropped here.
    rows = await Conversation.filter(
        platform__in={k[0] for k in wanted}, chat_id__in={k[1] for k in wanted},
        user_id__in={k[2] for k in wanted})
    found = {(r.platform, r.chat_id, r.user_id): _context(r) for r in rows}
    return {key: found.get(key, Context()) for key in wanted}


async def save_many(saves: dict[Key, tuple[int, Context]]) -> set[Key]:
    """Store each (old_version, ctx); return the keys that conflicted (and were not stored).

    Call inside a transaction. One statement for the updates and one for the new
    conversations (bot.storage.batch_sql); PostgreSQL locks the rows in id order, so two
    workers saving overlapping batches cannot deadlock.
    """
    if not saves:
        return set()
    saved = await batch_sql.save_conversations(
        [(key, old, ctx.state, ctx.data, ctx.nonce, ctx.locale)
         for key, (old, ctx) in saves.items()])
    return set(saves) - saved
