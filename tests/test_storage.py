"""Storage on every backend: migrations, conversations, inbox dedupe and claims, people."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.core.types import Context
from bot.storage import conversations, inbox, people
from bot.storage.db import apply_migrations, close_db, open_db
from bot.storage.models import Feedback, Member, Unanswered

KEY = ("line", "Uchat", "Uuser")


async def test_migrations_are_idempotent(db: str) -> None:
    await people.ensure_member("line", "Ukeep")
    await close_db()
    await apply_migrations(db)  # a second run must be a no-op, not an error, and keep data
    await open_db(db)
    assert await Member.all().count() == 1


async def test_conversation_round_trip_and_conflict(db: str) -> None:
    assert await conversations.load(KEY) == Context()
    await conversations.save(KEY, 0, Context(state="s1", data={"a": "中文"}, nonce="abc"))
    loaded = await conversations.load(KEY)
    assert (loaded.state, loaded.data, loaded.nonce, loaded.version) == ("s1", {"a": "中文"},
                                                                        "abc", 1)
    await conversations.save(KEY, 1, Context(state="s2"))
    with pytest.raises(conversations.Conflict):
        await conversations.save(KEY, 1, Context(state="stale"))
    with pytest.raises(conversations.Conflict):
        await conversations.save(KEY, 0, Context(state="dup-create"))
    assert (await conversations.load(KEY)).state == "s2"


async def test_inbox_dedupes_redeliveries(db: str) -> None:
    event = inbox.NewEvent("evt-1", "line:c:u", {"type": "message"})
    await inbox.record("line", [event])
    await inbox.record("line", [event, inbox.NewEvent("evt-2", "line:c:u", {})])
    await inbox.record("telegram", [event])  # same key on another platform is another event
    counts = await inbox.counts()
    assert counts["pending"] == 3


async def test_claim_leases_rows_once(db: str) -> None:
    await inbox.record("line", [inbox.NewEvent(f"e{i}", "k", {}) for i in range(10)])
    first, second = await asyncio.gather(inbox.claim(6, ["line"]), inbox.claim(6, ["line"]))
    ids = [r.id for r in first] + [r.id for r in second]
    assert len(ids) == len(set(ids)) == 10
    assert await inbox.claim(5, ["line"]) == []  # all leased
    await inbox.mark_done(ids[:3])
    assert (await inbox.counts())["done"] == 3


async def test_expired_lease_is_claimed_again(db: str) -> None:
    await inbox.record("line", [inbox.NewEvent("e1", "k", {})])
    rows = await inbox.claim(1, ["line"], lease_seconds=-1)  # already expired
    again = await inbox.claim(1, ["line"])
    assert [r.id for r in again] == [rows[0].id]


async def test_a_failing_turn_is_dead_after_max_attempts(db: str) -> None:
    await inbox.record("line", [inbox.NewEvent("e1", "k", {})])
    for n in range(inbox.MAX_TURN_ATTEMPTS):
        rows = await inbox.claim(1, ["line"], lease_seconds=-1)
        assert await inbox.turn_failed(rows[0], "boom") == (n < inbox.MAX_TURN_ATTEMPTS - 1)
        from bot.storage.models import InboundEvent
        await InboundEvent.filter(id=rows[0].id).update(locked_until=None)
    assert (await inbox.counts())["dead"] == 1


async def test_people_feedback_unanswered_and_delete(db: str) -> None:
    await people.ensure_member("line", "Uuser")
    await people.ensure_member("line", "Uuser")
    await people.record_feedback("line", "Uuser", "pb-what", True)
    await people.record_feedback("line", "Uuser", "pb-what", False)  # changes, not duplicates
    await people.log_unanswered("我的電話 0912-345-678 可以嗎", "no_match", "zh")
    assert (await Feedback.get(faq_id="pb-what")).helpful is False
    logged = await Unanswered.first()
    assert logged is not None and "0912" not in logged.text
    data = await people.my_data("line", "Uuser")
    assert data is not None and data["feedback"] == 1
    await conversations.save(("line", "Uuser", "Uuser"), 0, Context())
    await people.delete_user("line", "Uuser")
    assert await people.my_data("line", "Uuser") is None
    assert await Feedback.all().count() == 0
    assert (await conversations.load(("line", "Uuser", "Uuser"))).version == 0


async def test_unfollow_marks_member(db: str) -> None:
    await people.set_followed("line", "Uuser", False)
    assert (await Member.get(user_id="Uuser")).followed is False


async def test_a_context_left_open_does_not_poison_the_next_open(tmp_path: Path) -> None:
    # A start-up that failed after opening the database (a test that failed half way) must
    # not make every later open_db raise "global context already enabled".
    first, second = (f"sqlite://{tmp_path / n}.sqlite3" for n in ("first", "second"))

    async def start_up_that_fails() -> None:  # as aiohttp runs start-up: in its own task
        await apply_migrations(second)
        await open_db(first, migrate_first=True)
        await people.ensure_member("line", "Ufirst")

    await asyncio.create_task(start_up_that_fails())
    await open_db(second)  # no close_db in between
    try:
        assert await Member.all().count() == 0  # the new database, not the old one
    finally:
        await close_db()
