"""The dispatcher: load state, run the handler, save once (with effects), hand back replies.

It never sends: callers (the inbox worker, the local chat) deliver the replies after the save,
so a crash between the two re-delivers rather than re-runs the turn.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tortoise.transactions import in_transaction

from bot.core.types import Context, Incoming, Reply, Text, Turn
from bot.effects import apply_effect
from bot.handlers.deps import Deps
from bot.handlers.router import route
from bot.storage import conversations, people

log = logging.getLogger("bot.turn")
AfterSave = Callable[[tuple[Reply, ...]], Awaitable[None]]


@dataclass(frozen=True)
class Outcome:
    """What a turn produced, for the caller to deliver and report."""

    replies: tuple[Reply, ...]
    meta: dict[str, Any] = field(default_factory=dict)


class Dispatcher:
    """Runs turns one at a time per conversation key."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._locks: weakref.WeakValueDictionary[tuple[str, str, str], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    def _lock(self, key: tuple[str, str, str]) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock

    async def turn(self, msg: Incoming, after_save: AfterSave | None = None) -> Outcome:
        """Run one turn for msg; after_save runs inside the saving transaction."""
        async with self._lock(msg.key):
            for _ in range(5):
                try:
                    return await self._attempt(msg, after_save)
                except conversations.Conflict:
                    continue  # another process saved first: re-run on fresh state
            raise RuntimeError("conversation kept changing under this turn")

    async def _attempt(self, msg: Incoming, after_save: AfterSave | None) -> Outcome:
        ctx = await conversations.load(msg.key)
        turn = await self._run_handler(msg, ctx)
        async with in_transaction():
            await conversations.save(msg.key, ctx.version, turn.context)
            if ctx.version == 0:
                await people.ensure_member(msg.platform, msg.user_id)
            for effect in turn.effects:
                await apply_effect(msg, effect)
            if after_save is not None:
                await after_save(turn.replies)
        _log_turn(msg, ctx, turn)
        return Outcome(turn.replies, turn.meta)

    async def _run_handler(self, msg: Incoming, ctx: Context) -> Turn:
        try:
            return await route(msg, ctx, self.deps)
        except Exception:
            # A handler bug must not lose the conversation: keep the state, say sorry.
            log.exception("handler failed platform=%s kind=%s state=%s",
                          msg.platform, msg.kind, ctx.state)
            text = self.deps.content.t("error.generic", ctx.locale)
            return Turn(ctx, (Text(text),), meta={"intent": "error"})


def _log_turn(msg: Incoming, before: Context, turn: Turn) -> None:
    # One line per turn, no personal data: no text, no user id.
    log.info("turn platform=%s kind=%s state=%s->%s intent=%s faq=%s replies=%d",
             msg.platform, msg.kind, before.state, turn.context.state,
             turn.meta.get("intent", "-"), turn.meta.get("faq_id", "-"), len(turn.replies))
