"""Conversation state: load at the start of a turn, save once at its end."""

from __future__ import annotations

from typing import Any

from tortoise.exceptions import IntegrityError

from bot.core.types import Context
from bot.storage.models import Conversation

Key = tuple[str, str, str]


class Conflict(Exception):
    """Another worker saved this conversation first; the turn must be run again."""


async def load(key: Key) -> Context:
    """The stored context for key, or a fresh one (version 0)."""
    platform, chat_id, user_id = key
    row = await Conversation.get_or_none(platform=platform, chat_id=chat_id, user_id=user_id)
    if row is None:
        return Context()
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
