"""Events and registrations: reading (the handlers' reader, lists, exports, broadcasts) and
what 「我的資料」 shows and deletes. Writes that take or free a seat are in events_seats.py."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from tortoise.functions import Count

from bot.events.filters import Filter, day_start
from bot.events.policy import aware
from bot.events.reader import Mine
from bot.events.spec import CITYWIDE
from bot.events.view import EventView, RegistrationView
from bot.proposals.view import ALL_DISTRICTS
from bot.storage.models import DistrictChat, Event, EventRegistration

SEATED = ("registered", "offered")


def event_view(row: Event, counts: dict[str, int] | None = None) -> EventView:
    """The read-only view of an event row with its counts."""
    c = counts or {}
    return EventView(
        id=row.id, kind=row.kind, title=row.title, district=row.district, starts=row.starts,
        ends=row.ends, place=row.place, capacity=row.capacity, host=row.host,
        summary=row.summary, for_whom=row.for_whom, bring=row.bring,
        signup_closes=row.signup_closes, url=row.url, needs_phone=row.needs_phone,
        status=row.status, version=row.version, registered=c.get("registered", 0),
        offered=c.get("offered", 0), waiting=c.get("waiting", 0),
        checked_in=c.get("checked_in", 0))


def registration_view(row: EventRegistration, place: int = 0) -> RegistrationView:
    """The read-only view of a registration row."""
    return RegistrationView(
        id=row.id, event_id=row.event_id, platform=row.platform, user_id=row.user_id,
        chat_id=row.chat_id, status=row.status, code=row.code, token=row.token, name=row.name,
        phone=row.phone, locale=row.locale, offer_until=row.offer_until,
        checked_in_at=row.checked_in_at, checked_in_by=row.checked_in_by,
        created_at=row.created_at, place=place)


async def counts_of(event_ids: Iterable[str]) -> dict[str, dict[str, int]]:
    """Registrations per status (and checked_in) for each event id."""
    ids = list(event_ids)
    found: dict[str, dict[str, int]] = defaultdict(dict)
    if not ids:
        return found
    rows = await EventRegistration.filter(event_id__in=ids).group_by("event_id", "status") \
        .annotate(n=Count("id")).values("event_id", "status", "n")
    for r in rows:
        found[str(r["event_id"])][str(r["status"])] = int(r["n"])
    checked = await EventRegistration.filter(event_id__in=ids, checked_in_at__not_isnull=True) \
        .group_by("event_id").annotate(n=Count("id")).values("event_id", "n")
    for r in checked:
        found[str(r["event_id"])]["checked_in"] = int(r["n"])
    return found


async def _views(rows: list[Event]) -> list[EventView]:
    counts = await counts_of(r.id for r in rows)
    return [event_view(r, counts.get(r.id)) for r in rows]


async def get(event_id: str) -> EventView | None:
    """One event with its counts."""
    row = await Event.get_or_none(id=event_id)
    return (await _views([row]))[0] if row else None


async def upcoming(now: datetime, wanted: Filter, limit: int,
                   offset: int = 0) -> tuple[list[EventView], int]:
    """Scheduled events not yet started that match the filter, soonest first; and how many
    match in all. A district filter includes city-wide (全市) events."""
    query = Event.filter(status="scheduled", starts__gt=aware(now))
    if wanted.kinds:
        query = query.filter(kind__in=wanted.kinds)
    if wanted.district:
        query = query.filter(district__in=(wanted.district, CITYWIDE))
    if wanted.first:
        query = query.filter(starts__gte=day_start(wanted.first))
    if wanted.last:
        query = query.filter(starts__lt=day_start(wanted.last) + timedelta(days=1))
    total = await query.count()
    rows = await query.order_by("starts", "id").offset(offset).limit(limit)
    return await _views(rows), total


async def for_staff(districts: frozenset[str], now: datetime) -> list[EventView]:
    """Events of these districts (every one for '*') not yet ended, soonest first."""
    query = Event.filter(ends__gt=aware(now))
    if ALL_DISTRICTS not in districts:
        query = query.filter(district__in=list(districts))
    return await _views(await query.order_by("starts", "id"))


async def all_events(since: datetime | None = None) -> list[EventView]:
    """Every event (ending after since, when given), soonest first, with counts."""
    query = Event.all() if since is None else Event.filter(ends__gt=aware(since))
    return await _views(await query.order_by("starts", "id"))


async def place_of(row: EventRegistration) -> int:
    """A waiting registration's place in line (1 = next), else 0."""
    if row.status != "waiting":
        return 0
    ahead = await EventRegistration.filter(event_id=row.event_id, status="waiting",
                                           id__lt=row.id).count()
    return ahead + 1


async def _rview(row: EventRegistration | None) -> RegistrationView | None:
    return registration_view(row, await place_of(row)) if row else None


async def registration(reg_id: int) -> RegistrationView | None:
    """One registration (with its place in line)."""
    return await _rview(await EventRegistration.get_or_none(id=reg_id))


async def registration_of(event_id: str, platform: str, user_id: str
                          ) -> RegistrationView | None:
    """A user's registration for an event, if any."""
    return await _rview(await EventRegistration.get_or_none(
        event_id=event_id, platform=platform, user_id=user_id))


async def _paired(rows: list[EventRegistration]) -> Mine:
    events = {e.id: e for e in await Event.filter(id__in={r.event_id for r in rows})}
    views = {v.id: v for v in await _views(list(events.values()))}
    pairs = [(views[r.event_id], registration_view(r, await place_of(r)))
             for r in rows if r.event_id in views]
    return sorted(pairs, key=lambda p: (p[0].starts, p[0].id))


async def of_user(platform: str, user_id: str, now: datetime) -> Mine:
    """A user's registrations for events not yet ended, soonest first."""
    rows = await EventRegistration.filter(platform=platform, user_id=user_id)
    pairs = await _paired(rows)
    return [(e, r) for e, r in pairs if aware(e.ends) > aware(now)]


async def last_name(platform: str, user_id: str) -> str | None:
    """The name the user gave on their latest registration (offered back next time)."""
    row = await EventRegistration.filter(platform=platform, user_id=user_id) \
        .order_by("-id").first()
    return row.name if row else None


async def attendees(event_id: str) -> list[RegistrationView]:
    """Everyone on an event's list: seats first (by sign-up), then the waiting list in order."""
    rows = await EventRegistration.filter(event_id=event_id).order_by("id")
    seated = [registration_view(r) for r in rows if r.status in SEATED]
    line = [r for r in rows if r.status == "waiting"]
    return seated + [registration_view(r, n) for n, r in enumerate(line, 1)]


async def by_code(code: str, now: datetime) -> Mine:
    """Registrations with this code for events that have not ended more than a day ago."""
    rows = await EventRegistration.filter(code=code)
    return [(e, r) for e, r in await _paired(rows)
            if aware(e.ends) > aware(now) - timedelta(days=1)]


async def recipients(event_id: str, which: str) -> list[tuple[str, str]]:
    """(platform, user_id) of an event's `registered`, `waiting` or `offered` (a seat held
    for them) residents (for district broadcasts), in sign-up order."""
    if which not in ("registered", "waiting", "offered"):
        raise ValueError(f"which must be registered, waiting or offered, not {which!r}")
    rows = await EventRegistration.filter(event_id=event_id, status=which).order_by("id") \
        .values_list("platform", "user_id")
    return [(str(p), str(u)) for p, u in rows]


async def chat_district(platform: str, chat_id: str) -> str | None:
    """The district whose staff chat this is, if it is one."""
    row = await DistrictChat.get_or_none(platform=platform, chat_id=chat_id)
    return row.district if row else None


async def count_of_user(platform: str, user_id: str) -> dict[str, int]:
    """How many seats (or held seats) and waiting-list places a user has."""
    mine = EventRegistration.filter(platform=platform, user_id=user_id)
    return {"event_registrations": await mine.filter(status__in=SEATED).count(),
            "event_waiting": await mine.filter(status="waiting").count()}


class StoredEvents:
    """EventReader over the database."""

    async def upcoming(self, now: datetime, wanted: Filter, limit: int,
                       offset: int = 0) -> tuple[list[EventView], int]:
        """Matching scheduled events, soonest first, and the total."""
        return await upcoming(now, wanted, limit, offset)

    async def event(self, event_id: str) -> EventView | None:
        """One event."""
        return await get(event_id)

    async def registration(self, reg_id: int) -> RegistrationView | None:
        """One registration."""
        return await registration(reg_id)

    async def registration_of(self, event_id: str, platform: str,
                              user_id: str) -> RegistrationView | None:
        """A user's registration for an event."""
        return await registration_of(event_id, platform, user_id)

    async def of_user(self, platform: str, user_id: str, now: datetime) -> Mine:
        """A user's current registrations."""
        return await of_user(platform, user_id, now)

    async def last_name(self, platform: str, user_id: str) -> str | None:
        """The user's last sign-up name."""
        return await last_name(platform, user_id)

    async def attendees(self, event_id: str) -> list[RegistrationView]:
        """An event's list."""
        return await attendees(event_id)

    async def by_code(self, code: str, now: datetime) -> Mine:
        """Registrations with a code."""
        return await by_code(code, now)

    async def for_staff(self, districts: frozenset[str], now: datetime) -> list[EventView]:
        """A district office's events."""
        return await for_staff(districts, now)

    async def chat_district(self, platform: str, chat_id: str) -> str | None:
        """The district of a staff chat."""
        return await chat_district(platform, chat_id)
