"""The dispatcher: load state, run the handler, save once (with effects), hand back replies.

It never sends: callers (the inbox worker, the local chat) deliver the replies after the save,
so a crash between the two re-delivers rather than re-runs the turn.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from tortoise.transactions import in_transaction

from bot.common import metrics
from bot.core.types import Context, Incoming, Reply, Text, Turn
from bot.handlers.deps import Deps
from bot.handlers.features import route
from bot.runtime.effects import ENDS_CONVERSATION, apply_effect, apply_effects
from bot.storage import conversations, people

log = logging.getLogger("bot.turn")
Key = tuple[str, str, str]
AfterSave = Callable[[tuple[Reply, ...]], Awaitable[None]]
# Batched turns: message index -> the replies saved for it.
AfterBatchSave = Callable[[dict[int, tuple[Reply, ...]]], Awaitable[None]]


@dataclass(frozen=True)
class Outcome:
    """What a turn produced, for the caller to deliver and report."""

    replies: tuple[Reply, ...]
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BatchOutcome:
    """Batched turns: replies per saved message index, and the indices to run again later."""

    replies: dict[int, tuple[Reply, ...]]
    retry: list[int]


@dataclass
class _Chain:
    """One conversation's messages of a batch, run in order on in-memory context."""

    loaded: Context
    steps: list[tuple[int, Context, Turn]] = field(default_factory=list)
    deferred: list[int] = field(default_factory=list)

    @property
    def context(self) -> Context:
        return self.steps[-1][2].context if self.steps else self.loaded


class Dispatcher:
    """Runs turns one at a time per conversation key."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._locks: weakref.WeakValueDictionary[tuple[str, str, str], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    def _lock(self, key: Key) -> asyncio.Lock:
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

    async def turns(self, msgs: Sequence[Incoming],
                    after_save: AfterBatchSave | None = None) -> BatchOutcome:
        """Run many turns: one load, handlers in memory, one saving transaction for all."""
        keys: dict[Key, list[int]] = {}
        for i, msg in enumerate(msgs):
            keys.setdefault(msg.key, []).append(i)
        async with self._locked(sorted(keys)):
            loaded = await conversations.load_many(list(keys))
            chains = {key: await self._chain(msgs, idx, loaded[key]) for key, idx in keys.items()}
            async with in_transaction():
                saved = await self._save_chains(msgs, chains)
                replies = {i: t.replies for c in saved.values() for i, _, t in c.steps}
                if after_save is not None:
                    await after_save(replies)
        for chain in saved.values():
            for i, before, turn in chain.steps:
                _log_turn(msgs[i], before, turn)
        retry = [i for key, c in chains.items()
                 for i in (c.deferred if key in saved else keys[key])]
        return BatchOutcome(replies, sorted(retry))

    @asynccontextmanager
    async def _locked(self, keys: list[Key]) -> AsyncIterator[None]:
        # Sorted keys: a batch and a single turn never wait on each other in a cycle.
        async with AsyncExitStack() as stack:
            for key in keys:
                await stack.enter_async_context(self._lock(key))
            yield

    async def _chain(self, msgs: Sequence[Incoming], indices: list[int], ctx: Context) -> _Chain:
        chain = _Chain(ctx)
        for n, i in enumerate(indices):
            # Let webhook requests in between handlers: a batch is many ms of CPU, and the
            # acks must not wait for all of it.
            await asyncio.sleep(0)
            turn = await self._run_handler(msgs[i], chain.context)
            chain.steps.append((i, chain.context, turn))
            if any(e.name in ENDS_CONVERSATION for e in turn.effects):
                chain.deferred = indices[n + 1:]  # they must load the (deleted) state afresh
                break
        return chain

    async def _save_chains(self, msgs: Sequence[Incoming],
                           chains: dict[Key, _Chain]) -> dict[Key, _Chain]:
        """Save every chain that nobody else changed meanwhile, with its effects."""
        conflicts = await conversations.save_many(
            {key: (c.loaded.version, c.context) for key, c in chains.items()})
        saved = {key: c for key, c in chains.items() if key not in conflicts}
        await people.ensure_members({(k[0], k[2]) for k, c in saved.items()
                                     if c.loaded.version == 0})
        await apply_effects([(msgs[i], effect) for chain in saved.values()
                             for i, _, turn in chain.steps for effect in turn.effects])
        return saved

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
    # One line per turn, no personal data: no text, no user id (the same fields, for
    # LOG_FORMAT=json, in extra); and the turn's metrics.
    intent, faq = turn.meta.get("intent", "-"), turn.meta.get("faq_id", "-")
    log.info("turn platform=%s kind=%s state=%s->%s intent=%s faq=%s replies=%d",
             msg.platform, msg.kind, before.state, turn.context.state, intent, faq,
             len(turn.replies), extra={
                 "platform": msg.platform, "kind": msg.kind, "state": before.state,
                 "next_state": turn.context.state, "intent": str(intent), "faq": str(faq),
                 "replies": len(turn.replies)})
    metrics.observe_turn(msg.platform, turn.meta)
