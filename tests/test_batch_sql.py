"""Set-based saves on the hot path (bot.storage.batch_sql), on every backend."""

from __future__ import annotations

import asyncio

from tortoise.transactions import in_transaction

from bot.core.types import Context
from bot.storage import conversations
from bot.storage.models import Conversation

A, B, C = ("line", "Ua", "Ua"), ("line", "Cg", "Ub"), ("telegram", "-100", "7")


async def _save(saves: dict[conversations.Key, tuple[int, Context]]) -> set[conversations.Key]:
    async with in_transaction():
        return await conversations.save_many(saves)


async def test_one_statement_saves_new_and_changed_and_refuses_stale(db: str) -> None:
    await conversations.save(A, 0, Context(state="a1"))
    await conversations.save(B, 0, Context(state="b1"))
    await conversations.save(B, 1, Context(state="b2"))  # B is at version 2 now
    conflicts = await _save({
        A: (1, Context(state="a2", data={"q": "什麼是參與式預算", "n": [1, 2]}, nonce="xy",
                       locale="en")),
        B: (1, Context(state="stale")),  # someone saved since version 1
        C: (0, Context(state="c1", data={"k": "v"})),
    })
    assert conflicts == {B}
    a, b, c = [await conversations.load(k) for k in (A, B, C)]
    assert (a.state, a.data, a.nonce, a.locale, a.version) == (
        "a2", {"q": "什麼是參與式預算", "n": [1, 2]}, "xy", "en", 2)
    assert (b.state, b.version) == ("b2", 2)
    assert (c.state, c.data, c.version) == ("c1", {"k": "v"}, 1)
    assert await _save({C: (0, Context(state="created twice"))}) == {C}
    stored = await Conversation.get(platform="line", chat_id="Ua", user_id="Ua")
    assert stored.updated_at is not None and stored.updated_at.tzinfo is not None


async def test_overlapping_batches_save_each_conversation_once(db: str) -> None:
    keys = [("line", f"U{i:03d}", f"U{i:03d}") for i in range(40)]
    for key in keys:
        await conversations.save(key, 0, Context(state="start"))
    first = {k: (1, Context(state="first")) for k in keys}
    second = {k: (1, Context(state="second")) for k in reversed(keys)}  # other order
    lost = await asyncio.gather(_save(first), _save(second))
    # Every conversation was saved by exactly one of the two batches (no deadlock, no loss).
    assert lost[0] | lost[1] == set(keys) and not lost[0] & lost[1]
    for key in keys:
        ctx = await conversations.load(key)
        assert ctx.version == 2 and ctx.state == ("second" if key in lost[0] else "first")


async def test_a_claim_returns_rows_as_the_orm_reads_them(db: str) -> None:
    from bot.storage import inbox
    from bot.storage.models import InboundEvent

    await inbox.record("line", [inbox.NewEvent(f"e{i}", f"line:c{i}:u", {"n": i, "t": "中"})
                                for i in range(3)])
    await InboundEvent.filter(event_key="e1").update(reply_state="trying", sent=1,
                                                     status="handled", replies="[]")
    claimed = await inbox.claim(2, ["line", "telegram"], lease_seconds=60)
    assert (claimed[1].reply_state, claimed[1].sent, claimed[1].status) == ("trying", 1,
                                                                            "handled")
    assert [r.event_key for r in claimed] == ["e0", "e1"]  # oldest first, limit kept
    for row in claimed:
        stored = await InboundEvent.get(id=row.id)
        for name in InboundEvent._meta.fields_map:
            assert getattr(row, name) == getattr(stored, name), name
        assert row.attempts == 1 and row.locked_until is not None
        assert row.locked_until.tzinfo is not None and row.received_at < row.locked_until
    assert [r.event_key for r in await inbox.claim(5, ["line"])] == ["e2"]  # others leased
    assert await inbox.claim(5, ["telegram"]) == []
