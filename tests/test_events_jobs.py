"""Durable timing with a fake clock: reminders (quiet hours, never after the start), events
moved or cancelled by `events import` (notices old → new, reminders rescheduled or dropped,
nothing stale sent), more seats offered on, and the staff chat's capacity alerts."""

from __future__ import annotations

from datetime import datetime

from bot.adapters.common import reply_text
from bot.events.importer import import_events
from bot.events.policy import JOB_CHANGE, JOB_REMIND, TAIPEI
from bot.runtime.services import Services
from bot.storage import events
from bot.storage.models import Job
from bot.storage.proposals import staff
from tests.chat import Chat
from tests.events_harness import (
    World,
    load,
    pending,
    resident,
    run_jobs,
    sign_up,
    spec,
    statuses,
)


def tp(*args: int) -> datetime:
    return datetime(*args, tzinfo=TAIPEI)  # type: ignore[misc]


def pushed(services: Services, chat: Chat) -> list[str]:
    return [reply_text(r) for r in services.local.take(chat.user)]


async def test_reminders_the_evening_before_and_two_hours_before(world: World) -> None:
    services, clock = world
    await load(spec(starts=tp(2027, 3, 13, 14), ends=tp(2027, 3, 13, 16)))
    chat = resident(services, 1)
    await sign_up(chat)
    code = (await events.registration_of("shilin-walk", "local", chat.user)).code  # type: ignore[union-attr]
    clock.at(2027, 3, 12, 17, 59)
    await run_jobs(services)
    assert pushed(services, chat) == []
    clock.at(2027, 3, 12, 18, 0)
    await run_jobs(services)
    [day] = pushed(services, chat)
    assert "活動提醒：士林走讀測試場" in day and "明天就是活動日" in day
    for part in ("3/13（六）", "14:00–16:00", "士林區公所前", "水、帽子", code):
        assert part in day
    clock.at(2027, 3, 13, 12, 0)
    await run_jobs(services)
    [soon] = pushed(services, chat)
    assert "活動就快開始了" in soon and code in soon
    await run_jobs(services)
    assert pushed(services, chat) == []  # each once


async def test_a_late_runner_sends_nothing_after_the_start(world: World) -> None:
    services, clock = world
    await load(spec())
    chat = resident(services, 1)
    await sign_up(chat)
    clock.at(2027, 3, 13, 9, 30)  # the bot was down until the start
    await run_jobs(services)
    assert pushed(services, chat) == []
    assert await Job.filter(kind=JOB_REMIND, status="done").count() == 2


async def test_a_runner_late_into_the_night_waits_for_the_morning(world: World) -> None:
    services, clock = world
    await load(spec(starts=tp(2027, 3, 13, 14), ends=tp(2027, 3, 13, 16)))
    chat = resident(services, 1)
    await sign_up(chat)
    clock.at(2027, 3, 12, 23, 10)  # the day-before reminder was due at 18:00
    await run_jobs(services)
    assert pushed(services, chat) == []
    [later] = [j for j in await pending(JOB_REMIND) if j.dedupe_key.endswith(":q")]
    assert later.run_at.astimezone(TAIPEI) == tp(2027, 3, 13, 8, 0)
    clock.at(2027, 3, 13, 8, 0)
    await run_jobs(services)
    assert ["明天就是活動日" in t for t in pushed(services, chat)] == [True]


async def test_an_early_event_is_reminded_in_quiet_hours(world: World) -> None:
    services, clock = world
    await load(spec(starts=tp(2027, 3, 13, 7, 0), ends=tp(2027, 3, 13, 9, 0)))
    chat = resident(services, 1)
    await sign_up(chat)
    clock.at(2027, 3, 13, 5, 0)  # 2 h before a 07:00 start: too close to wait for 08:00
    await run_jobs(services)
    assert any("活動就快開始了" in t for t in pushed(services, chat))


async def test_a_moved_event_tells_registrants_and_moves_its_reminders(world: World) -> None:
    services, clock = world
    await load(spec(capacity=1))
    seated, waiting = resident(services, 1), resident(services, 2)
    await sign_up(seated)
    await sign_up(waiting)
    moved = spec(capacity=1, starts=tp(2027, 3, 20, 14), ends=tp(2027, 3, 20, 16),
                 place="士林公園涼亭")
    report = await import_events([moved], clock())
    assert report.changed == [("shilin-walk", ["starts", "ends", "place"])]
    assert report.notified == 2
    await run_jobs(services)
    [notice] = pushed(services, seated)
    assert "時間：3/13（六） 09:30–11:30 → 3/20（六） 14:00–16:00" in notice
    assert "地點：士林區公所前 → 士林公園涼亭" in notice
    assert any("士林公園涼亭" in t for t in pushed(services, waiting))  # the waiting list too
    when = sorted(j.run_at.astimezone(TAIPEI) for j in await pending(JOB_REMIND))
    assert when == [tp(2027, 3, 19, 18), tp(2027, 3, 20, 12)]
    clock.at(2027, 3, 12, 18, 0)  # the old day-before time: nothing stale goes out
    await run_jobs(services)
    assert pushed(services, seated) == []
    clock.at(2027, 3, 19, 18, 0)
    await run_jobs(services)
    [day] = pushed(services, seated)
    assert "3/20（六）" in day and "士林公園涼亭" in day


async def test_two_quick_changes_make_one_notice_from_what_they_knew(world: World) -> None:
    services, clock = world
    await load(spec())
    chat = resident(services, 1)
    await sign_up(chat)
    await import_events([spec(place="第二個地點")], clock())
    await import_events([spec(place="第三個地點")], clock())
    assert len(await pending(JOB_CHANGE)) == 1
    await run_jobs(services)
    [notice] = pushed(services, chat)
    assert "地點：士林區公所前 → 第三個地點" in notice and "第二個地點" not in notice


async def test_a_notice_overtaken_by_a_later_change_is_not_sent(world: World) -> None:
    services, clock = world
    await load(spec())
    chat = resident(services, 1)
    await sign_up(chat)
    await import_events([spec(place="第二個地點")], clock())
    [first] = await pending(JOB_CHANGE)
    await Job.filter(id=first.id).update(locked_until=tp(2027, 3, 1, 10, 5))  # being sent
    await import_events([spec(place="第三個地點")], clock())
    assert len(await pending(JOB_CHANGE)) == 2  # one in flight could not be merged
    clock.advance(minutes=10)
    await run_jobs(services)
    [notice] = pushed(services, chat)  # the stale one (→ 第二個地點) was not sent
    assert "地點：第二個地點 → 第三個地點" in notice


async def test_a_cancelled_event_tells_everyone_and_drops_its_reminders(world: World) -> None:
    services, clock = world
    await load(spec())
    chat = resident(services, 1)
    await sign_up(chat)
    report = await import_events([spec(status="cancelled")], clock())
    assert report.changed == [("shilin-walk", ["status"])]
    assert await pending(JOB_REMIND) == []
    await run_jobs(services)
    [notice] = pushed(services, chat)
    assert "已經取消" in notice and "3/13（六） 09:30–11:30" in notice
    await chat.send("我的報名")
    assert "活動已取消" in chat.text and "取消報名" not in [c.label for c in chat.choices]
    clock.at(2027, 3, 12, 18, 0)
    await run_jobs(services)
    assert pushed(services, chat) == []
    # On again: told, and reminded after all.
    await import_events([spec()], clock())
    await run_jobs(services)
    assert any("恢復舉行" in t for t in pushed(services, chat))
    assert len(await pending(JOB_REMIND)) == 1  # the day-before one is past; 2 h before stays


async def test_more_seats_are_offered_to_the_waiting_list(world: World) -> None:
    services, clock = world
    await load(spec(capacity=1))
    people = [resident(services, n) for n in (1, 2, 3)]
    for chat in people:
        await sign_up(chat)
    report = await import_events([spec(capacity=2, title="改名了")], clock())
    assert report.changed == [("shilin-walk", ["title", "capacity"])] and report.notified == 0
    assert (await statuses("shilin-walk"))["resident02"] == "offered"
    assert (await statuses("shilin-walk"))["resident03"] == "waiting"
    report = await import_events([spec(capacity=1, title="改名了")], clock())
    assert "nobody was removed" in report.warnings[0]
    report = await import_events([spec(capacity=1, title="改名了")], clock())
    assert report.unchanged == ["shilin-walk"]


async def test_the_staff_chat_hears_at_80_and_100_percent(world: World) -> None:
    services, _ = world
    await staff.set_chat("士林區", "local", "office")
    await load(spec(capacity=5))
    for n in range(1, 7):
        await sign_up(resident(services, n))
        await run_jobs(services)
    alerts = [reply_text(r) for r in services.local.take("office")]
    assert len(alerts) == 2
    assert "已達 80%：4/5" in alerts[0] and "已達 100%：5/5，候補 0 人" in alerts[1]
