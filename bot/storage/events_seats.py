"""Taking and freeing seats, always under a lock on the event row.

Every function here runs inside a transaction (the dispatcher's saving one for effects, its
own for jobs and imports) and starts by locking the event (SELECT ... FOR UPDATE on
PostgreSQL; SQLite has one writer), then checks seats with fresh counts, so capacity holds
with any number of workers. When what the handler promised no longer holds (the last seat
went meanwhile, an offer expired), they raise EventConflict: the dispatcher re-runs the turn
on fresh data, so the reply tells the real outcome.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.events import policy
from bot.events.policy import aware
from bot.events.view import RegistrationView
from bot.storage import jobs
from bot.storage.conversations import Conflict
from bot.storage.events import SEATED, counts_of, event_view, registration_view
from bot.storage.models import Event, EventRegistration, Job


class EventConflict(Conflict):
    """The event changed since the handler read it: run the turn again."""


async def lock(event_id: str) -> Event | None:
    """The event row, locked until the transaction ends (call inside one)."""
    return await Event.filter(id=event_id).select_for_update().first()


async def _counted(ev: Event) -> Any:
    return event_view(ev, (await counts_of([ev.id])).get(ev.id))


async def register(msg_key: tuple[str, str, str], data: dict[str, Any]) -> None:
    """Take a seat or a place in line as the handler expected ({event, expect, place, name,
    phone, code, token, locale, now}); EventConflict when that is no longer what happens."""
    platform, chat_id, user_id = msg_key
    now = datetime.fromisoformat(data["now"])
    ev = await lock(data["event"])
    if ev is None:
        raise EventConflict(data["event"])
    view = await _counted(ev)
    got = policy.outcome(view, now)
    if (not policy.signup_open(view, now) or got != data["expect"]
            or (got == "waiting" and data["place"] != view.waiting + 1)
            or await EventRegistration.exists(event_id=ev.id, platform=platform,
                                              user_id=user_id)
            or await EventRegistration.exists(event_id=ev.id, code=data["code"])):
        raise EventConflict(ev.id)  # full, closed, signed up twice, or the code is taken
    row = await EventRegistration.create(
        event_id=ev.id, platform=platform, user_id=user_id, chat_id=chat_id, status=got,
        code=data["code"], token=data["token"], name=data["name"][:40],
        phone=data.get("phone") or None, locale=str(data.get("locale", "zh-TW"))[:8])
    if got == "registered":
        await schedule_reminders(row.id, ev, now)
        await _alert(ev, view.registered + 1, now)


async def cancel(reg_id: int, platform: str, user_id: str, now: datetime) -> None:
    """Drop a user's registration (seat or place in line) and offer a freed seat; nothing
    happens when it is already gone."""
    row = await EventRegistration.get_or_none(id=reg_id, platform=platform, user_id=user_id)
    if row is not None:
        await _drop(row.event_id, reg_id, now)


async def _drop(event_id: str, reg_id: int, now: datetime,
                only: tuple[str, ...] = ("registered", "offered", "waiting")) -> bool:
    ev = await lock(event_id)
    row = await EventRegistration.get_or_none(id=reg_id, status__in=only)
    if ev is None or row is None:
        return False
    await row.delete()
    await drop_reminders([reg_id])
    if row.status in SEATED:
        await fill_seats(ev, now)
    return True


async def accept_offer(reg_id: int, platform: str, user_id: str, now: datetime) -> None:
    """Turn a held seat into a registration; EventConflict when the offer is gone or over."""
    row = await EventRegistration.get_or_none(id=reg_id, platform=platform, user_id=user_id)
    ev = await lock(row.event_id) if row else None
    row = await EventRegistration.get_or_none(id=reg_id, status="offered")
    if ev is None or row is None or not policy.offer_stands(event_view(ev),
                                                            registration_view(row), now):
        raise EventConflict(reg_id)
    await EventRegistration.filter(id=reg_id).update(status="registered", offer_until=None)
    await schedule_reminders(reg_id, ev, now)
    view = await _counted(ev)
    await _alert(ev, view.registered, now)


async def refuse_offer(reg_id: int, platform: str, user_id: str, now: datetime) -> None:
    """Give a held seat back (the next in line is offered it); EventConflict when gone."""
    row = await EventRegistration.get_or_none(id=reg_id, platform=platform, user_id=user_id)
    if row is None or not await _drop(row.event_id, reg_id, now, only=("offered",)):
        raise EventConflict(reg_id)


async def expire_offer(reg_id: int, now: datetime) -> RegistrationView | None:
    """An offer not taken in time: drop it and offer the seat on; the lapsed registration
    (to tell its owner), or None when it was taken, refused or is not due yet."""
    row = await EventRegistration.get_or_none(id=reg_id, status="offered")
    if row is None or row.offer_until is None or aware(row.offer_until) > aware(now):
        return None
    lapsed = registration_view(row)
    return lapsed if await _drop(row.event_id, reg_id, now, only=("offered",)) else None


async def fill_seats(ev: Event, now: datetime) -> int:
    """Offer free seats to the first in line while offers are still possible (call with the
    event locked); return how many were offered."""
    view = await _counted(ev)
    until = policy.offer_deadline(view, now)
    if until is None or view.seats_left <= 0 or view.waiting == 0:
        return 0
    line = await EventRegistration.filter(event_id=ev.id, status="waiting").order_by("id") \
        .limit(view.seats_left)
    for row in line:
        await EventRegistration.filter(id=row.id).update(status="offered", offer_until=until)
        await jobs.enqueue(policy.JOB_OFFER, {"reg": row.id}, dedupe_key=f"evo:{row.id}",
                           run_at=aware(now))
        await jobs.enqueue(policy.JOB_EXPIRE, {"reg": row.id}, dedupe_key=f"evx:{row.id}",
                           run_at=until)
    return len(line)


async def check_in(reg_id: int, by: str, now: datetime) -> None:
    """Mark a registration checked in; EventConflict when it is not a seat or was already
    checked in (the re-run turn then says when)."""
    updated = await EventRegistration.filter(
        id=reg_id, status="registered", checked_in_at__isnull=True
    ).update(checked_in_at=aware(now), checked_in_by=by[:80])
    if not updated:
        raise EventConflict(reg_id)


async def undo_check_in(reg_id: int, since: datetime) -> None:
    """Undo a check-in made after since (a slip at the door); EventConflict otherwise."""
    updated = await EventRegistration.filter(
        id=reg_id, checked_in_at__gte=aware(since)).update(checked_in_at=None,
                                                           checked_in_by=None)
    if not updated:
        raise EventConflict(reg_id)


async def schedule_reminders(reg_id: int, ev: Event, now: datetime) -> None:
    """Queue the reminders still ahead for a registration (keys carry the start time, so a
    moved event gets new ones and an old key is never reused)."""
    stamp = aware(ev.starts).strftime("%Y%m%d%H%M")
    for which, when in policy.reminder_plan(ev.starts, now):
        await jobs.enqueue(policy.JOB_REMIND,
                           {"reg": reg_id, "which": which, "starts": aware(ev.starts).isoformat()},
                           dedupe_key=f"evr:{reg_id}:{which}:{stamp}", run_at=when)


async def drop_reminders(reg_ids: list[int]) -> None:
    """Delete the pending reminders of these registrations."""
    for reg_id in reg_ids:
        await Job.filter(kind=policy.JOB_REMIND, status="pending",
                         dedupe_key__startswith=f"evr:{reg_id}:").delete()


async def _alert(ev: Event, registered: int, now: datetime) -> None:
    level = policy.alert_level(registered, ev.capacity)
    if level:
        await jobs.enqueue(policy.JOB_ALERT, {"event": ev.id, "level": level},
                           dedupe_key=f"eva:{ev.id}:{level}", run_at=aware(now))


async def forget_user(platform: str, user_id: str) -> None:
    """「我的資料」 delete: drop every registration of the user (freed seats are offered on)."""
    now = datetime.now(UTC)
    for row in await EventRegistration.filter(platform=platform, user_id=user_id):
        await _drop(row.event_id, row.id, now)


async def undo_any_check_in(reg_id: int) -> bool:
    """Take back a check-in whenever made (a mistaken console click); False if there was none."""
    return bool(await EventRegistration.filter(id=reg_id, checked_in_at__isnull=False)
                .update(checked_in_at=None, checked_in_by=None))
