"""Nudges and quiet closes on a fake clock, on each backend: what is due at `now` is found
once, one digest message per sweep goes to the group (through a durable job), residents are
told when a quiet ticket closes, and relays a crash left behind are queued again."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.handlers.deps import Deps
from bot.handlers.handoff.sweep import TicketSweep
from bot.storage.models import Job, Ticket, TicketMessage
from bot.storage.tickets import relay as tickets_relay
from bot.storage.tickets import store as tickets
from bot.storage.tickets import volunteers
from bot.tickets.view import GroupView

GROUP = GroupView("telegram", "-1005550001")


async def _posted(ref: str, user: str = "U1") -> Ticket:
    row = await tickets.open_ticket("line", user, user, {"ref": ref, "question": f"問題{ref}"})
    await tickets_relay.set_place(row.id, group_chat=GROUP.chat_id, thread_id="7", card_id="9")
    return await Ticket.get(id=row.id)


def _digests(jobs: list[Job]) -> list[str]:
    return ["\n".join(r["text"] for r in json.loads(j.payload)["replies"]) for j in jobs]


async def test_unclaimed_then_unanswered_nudges_once_each(db: str, deps: Deps) -> None:
    sweep = TicketSweep(deps)
    first, second = await _posted("100001"), await _posted("100002")
    now = datetime.now(UTC)
    await sweep.sweep(now + timedelta(minutes=29), GROUP)
    assert not await Job.filter(kind="send").exists()  # not yet
    await sweep.sweep(now + timedelta(minutes=31), GROUP)
    await sweep.sweep(now + timedelta(minutes=32), GROUP)  # nudged already: no second one
    digests = _digests(await Job.filter(kind="send").order_by("id"))
    assert len(digests) == 1 and "#100001" in digests[0] and "#100002" in digests[0]
    sent = json.loads((await Job.get(kind="send")).payload)
    assert sent["chat_id"] == GROUP.chat_id
    # Claimed, then two hours without an answer; the other is answered in time.
    await tickets.claim(first.ref, "1", "Anna")
    await tickets.claim(second.ref, "2", "Ben")
    await tickets.volunteer_answered(second.ref, "答", user_id="2", name="Ben", source_key="s")
    await sweep.sweep(now + timedelta(minutes=110), GROUP)
    assert await Job.filter(kind="send").count() == 1
    await sweep.sweep(now + timedelta(minutes=125), GROUP)
    digests = _digests(await Job.filter(kind="send").order_by("id"))
    assert len(digests) == 2 and "#100001" in digests[1] and "Anna" in digests[1]
    assert "#100002" not in digests[1]


async def test_nudge_times_come_from_the_policy(db: str, deps: Deps) -> None:
    quick = replace(deps, handoff=replace(deps.handoff, nudge_unclaimed=timedelta(minutes=5)))
    await _posted("200001")
    await TicketSweep(quick).sweep(datetime.now(UTC) + timedelta(minutes=6), GROUP)
    assert await Job.filter(kind="send").count() == 1


async def test_quiet_tickets_close_and_both_sides_are_told(db: str, deps: Deps) -> None:
    row = await _posted("300001")
    await tickets.volunteer_answered(row.ref, "答", user_id="1", name="Anna", source_key="s")
    now = datetime.now(UTC)
    sweep = TicketSweep(deps)
    await sweep.sweep(now + timedelta(hours=23), GROUP)
    assert (await Ticket.get(id=row.id)).status == "open"
    await sweep.sweep(now + timedelta(hours=25), GROUP)
    closed = await Ticket.get(id=row.id)
    assert closed.status == "closed" and closed.close_reason == "quiet"
    notice = await Job.get(kind="send", dedupe_key=f"tclose:{row.id}")
    assert json.loads(notice.payload)["chat_id"] == "U1"
    assert "自動結束" in json.loads(notice.payload)["replies"][0]["text"]
    note = await TicketMessage.get(direction="note")
    assert "自動結案" in note.text
    assert await Job.exists(kind="ticket_sync", dedupe_key=f"tsync:{row.id}:n{note.id}")


async def test_a_resident_writing_keeps_the_ticket_open(db: str, deps: Deps) -> None:
    row = await _posted("400001")
    await tickets.volunteer_answered(row.ref, "答", user_id="1", name="Anna", source_key="s")
    await Ticket.filter(id=row.id).update(resident_at=datetime.now(UTC) + timedelta(hours=20))
    await TicketSweep(deps).sweep(datetime.now(UTC) + timedelta(hours=25), GROUP)
    assert (await Ticket.get(id=row.id)).status == "open"


async def test_relays_left_behind_are_queued_again(db: str, deps: Deps) -> None:
    row = await _posted("500001")
    await tickets.resident_wrote(row.ref, "補充", "line:e1", "", 0.0)
    await tickets.volunteer_answered(row.ref, "答", user_id="1", name="Anna", source_key="s")
    now = datetime.now(UTC) + timedelta(minutes=3)
    await TicketSweep(deps).sweep(now, GROUP)
    kinds = sorted(await Job.filter(dedupe_key__contains=":kick:").values_list("kind",
                                                                               flat=True))
    assert kinds == ["ticket_deliver", "ticket_sync"]


async def test_the_sweep_runs_once_per_period_across_processes(db: str, deps: Deps) -> None:
    await volunteers.set_group(GROUP.platform, GROUP.chat_id)
    from bot.handlers.handoff.sweep import _lease
    now = datetime.now(UTC)
    assert await _lease(now) and not await _lease(now + timedelta(seconds=10))
    assert await _lease(now + timedelta(seconds=61))
