"""Event storage on SQLite and PostgreSQL: capacity under concurrent sign-ups (row lock and
conflict retries), cancel and offer, recipients for broadcasts, 「我的資料」 counts."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from bot.events import codes, policy
from bot.storage import events, events_seats, people
from bot.storage.models import EventRegistration
from tests.events_harness import NOW, far, load, spec


async def _sign_up(n: int, event_id: str = "shilin-walk") -> str:
    """What a resident's sign-up turn does: read (as the handler), then the locked effect;
    on EventConflict read again, as the dispatcher's re-run does."""
    for _ in range(200):
        ev = await events.get(event_id)
        assert ev is not None
        expect = policy.outcome(ev, NOW)
        data: dict[str, Any] = {
            "event": event_id, "expect": expect, "name": f"住民{n}", "phone": None,
            "place": ev.waiting + 1 if expect == "waiting" else 0, "code": codes.new_code(),
            "token": codes.new_token(), "locale": "zh-TW", "now": NOW.isoformat()}
        try:
            async with in_transaction():
                await events_seats.register(("line", f"U{n}", f"U{n}"), data)
        except events_seats.EventConflict:
            await asyncio.sleep(0)
            continue
        return expect
    raise AssertionError("never got through")


async def test_concurrent_sign_ups_never_exceed_capacity(db: str) -> None:
    await load(spec(capacity=10))
    said = await asyncio.gather(*(_sign_up(n) for n in range(30)))
    rows = await EventRegistration.filter(event_id="shilin-walk").order_by("id")
    assert [r.status for r in rows].count("registered") == 10 == said.count("registered")
    assert [r.status for r in rows].count("waiting") == 20
    places = [await events.place_of(r) for r in rows if r.status == "waiting"]
    assert places == list(range(1, 21))
    assert len({r.code for r in rows}) == 30


async def test_a_second_sign_up_of_the_same_person_conflicts(db: str) -> None:
    await load(spec())
    assert await _sign_up(1) == "registered"
    with pytest.raises(events_seats.EventConflict):
        async with in_transaction():
            await events_seats.register(("line", "U1", "U1"), {
                "event": "shilin-walk", "expect": "registered", "place": 0, "name": "x",
                "code": codes.new_code(), "token": codes.new_token(), "now": NOW.isoformat()})
    assert await EventRegistration.all().count() == 1


async def test_cancel_offers_the_seat_and_accept_takes_it(db: str) -> None:
    await load(spec(capacity=1))
    for n in range(3):
        await _sign_up(n)
    first = await EventRegistration.get(user_id="U0")
    async with in_transaction():
        await events_seats.cancel(first.id, "line", "U0", NOW)
    offered = await EventRegistration.get(user_id="U1")
    assert offered.status == "offered"
    with pytest.raises(events_seats.EventConflict):  # not theirs
        async with in_transaction():
            await events_seats.accept_offer(offered.id, "line", "U2", NOW)
    async with in_transaction():
        await events_seats.accept_offer(offered.id, "line", "U1", NOW)
    assert (await EventRegistration.get(id=offered.id)).status == "registered"
    assert (await events.get("shilin-walk")).registered == 1  # type: ignore[union-attr]


async def test_recipients_for_district_broadcasts(db: str) -> None:
    await load(spec(capacity=2))
    for n in range(4):
        await _sign_up(n)
    assert await events.recipients("shilin-walk", "registered") == [("line", "U0"),
                                                                    ("line", "U1")]
    assert await events.recipients("shilin-walk", "waiting") == [("line", "U2"), ("line", "U3")]
    assert await events.recipients("no-such-event", "registered") == []
    with pytest.raises(ValueError):
        await events.recipients("shilin-walk", "everyone")


async def test_my_data_counts_and_deletes(db: str) -> None:
    await load(far(capacity=1))  # deleting offers the seat on at the real time
    await _sign_up(0)
    await _sign_up(1)
    await people.ensure_member("line", "U0")
    assert (await people.my_data("line", "U0") or {})["event_registrations"] == 1
    async with in_transaction():
        await people.delete_user("line", "U0")
    assert not await EventRegistration.filter(user_id="U0").exists()
    assert (await EventRegistration.get(user_id="U1")).status == "offered"


async def test_event_audiences_for_broadcasts_and_whose_district_they_are(db: str) -> None:
    from bot.broadcasts import audiences

    await load(spec(capacity=2))
    for n in range(3):
        await _sign_up(n)
    await people.ensure_members({("line", f"U{n}") for n in range(3)})
    await people.set_followed("line", "U1", False)  # unfollowed: never messaged
    seated = await audiences.resolve("event:shilin-walk")
    assert [(r.platform, r.user_id) for r in seated] == [("line", "U0")]
    waiting = await audiences.resolve("event:shilin-walk:waiting")
    assert [r.user_id for r in waiting] == ["U2"]
    assert await audiences.district_of("event:shilin-walk") == "士林區"
    assert await audiences.district_of("district:北投區") == "北投區"
    assert await audiences.district_of("all") == "全市"
    assert await audiences.district_of("event:no-such") is None
    for bad in ("event:no-such", "event:", "event:shilin-walk:everyone"):
        with pytest.raises(audiences.UnknownAudience):
            await audiences.resolve(bad)
