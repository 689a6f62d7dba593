"""Helpers for the events tests: a fake clock, events to import, residents, jobs."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from bot.common.settings import load_settings
from bot.events.importer import import_events
from bot.events.policy import TAIPEI
from bot.events.spec import EventSpec
from bot.handlers.deps import Deps
from bot.runtime.services import Services, build_services
from bot.storage.models import EventRegistration, Job
from tests.chat import Chat, shared_deps

NOW = datetime(2027, 3, 1, 10, 0, tzinfo=TAIPEI)  # a Monday morning in Taipei


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move forward by timedelta(**delta)."""
        self.now += timedelta(**delta)

    def at(self, *args: int) -> None:
        """Jump to a Taipei time: at(2027, 3, 12, 18, 0)."""
        self.now = datetime(*args, tzinfo=TAIPEI)  # type: ignore[misc]


def spec(event_id: str = "shilin-walk", **changes: Any) -> EventSpec:
    """An event (a 士林區 walk on Saturday 3/13 09:30-11:30, 2 seats) with changes."""
    values: dict[str, Any] = {
        "id": event_id, "kind": "walk", "title": "士林走讀測試場", "district": "士林區",
        "starts": datetime(2027, 3, 13, 9, 30, tzinfo=TAIPEI),
        "ends": datetime(2027, 3, 13, 11, 30, tzinfo=TAIPEI), "place": "士林區公所前",
        "capacity": 2, "host": "士林區公所", "summary": "走訪提案地點附近的街區。",
        "for_whom": "市民", "bring": "水、帽子", "status": "scheduled"}
    values.update(changes)
    return EventSpec(**values)


def far(event_id: str = "shilin-walk", **changes: Any) -> EventSpec:
    """spec() on Saturday 2099-03-14: for tests that run on the real clock (running bots,
    `run.py` subprocesses, 「我的資料」 deletion), which must not depend on today's date."""
    moved = {"starts": datetime(2099, 3, 14, 9, 30, tzinfo=TAIPEI),
             "ends": datetime(2099, 3, 14, 11, 30, tzinfo=TAIPEI)}
    return spec(event_id, **{**moved, **changes})


async def load(*specs: EventSpec, now: datetime = NOW) -> None:
    """Import events as `run.py events import` does."""
    await import_events(list(specs), now)


def clocked_deps(clock: FakeClock) -> Deps:
    """The shared content and understander with a fake clock."""
    return replace(shared_deps(), clock=clock)


def services_for(db_url: str, deps: Deps) -> Services:
    """Services with no platform but the local one (pushes wait in services.local)."""
    return build_services(load_settings(database_url=db_url), deps)


def resident(services: Services, n: int) -> Chat:
    """A local resident talking to the services' dispatcher."""
    return Chat(services.dispatcher, user=f"resident{n:02d}")


async def run_jobs(services: Services) -> int:
    """Run every job due on the services' clock; return how many batches ran."""
    batches = 0
    while await services.jobs.run_once():
        batches += 1
        assert batches < 50, "jobs keep coming"
    return batches


async def statuses(event_id: str) -> dict[str, str]:
    """user id -> registration status for an event."""
    rows = await EventRegistration.filter(event_id=event_id)
    return {r.user_id: r.status for r in rows}


async def pending(kind: str) -> list[Job]:
    """Pending jobs of a kind, by run_at."""
    return await Job.filter(kind=kind, status="pending").order_by("run_at", "id")


async def sign_up(chat: Chat, event_id: str = "shilin-walk", name: str = "王小明",
                  phone: str | None = None) -> str:
    """Browse, press the event's 報名, agree, give a name (and a phone); the last reply."""
    await chat.send("活動報名")
    await press_for(chat, f"|events.register|{event_id}")
    await chat.press("同意")
    text = await chat.send(name)
    if phone is not None:
        text = await chat.send(phone)
    return text


async def press_for(chat: Chat, ending: str) -> str:
    """Press the button of the last turn whose payload ends with `ending`."""
    found = [c for c in chat.choices if c.payload.endswith(ending)]
    assert found, f"no button ending {ending!r} in {[c.payload for c in chat.choices]}"
    return await chat.press_payload(found[0].payload)


World = tuple[Services, FakeClock]  # the bot's services and the clock they read
