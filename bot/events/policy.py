"""When things happen: sign-up windows, who gets a seat, offer deadlines, reminder times.

Pure functions of the event and "now" (handlers pass Deps.clock(), jobs their runner's clock),
so the handler that answers and the effect that writes decide with the same rules.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.events.view import EventView, RegistrationView

TAIPEI = ZoneInfo("Asia/Taipei")
OFFER_HOURS = 24  # a freed seat is held this long for the first person in line ...
OFFER_STOP = timedelta(hours=2)  # ... but never later than this before the start
REMIND_DAY_BEFORE = time(18, 0)  # the day-before reminder, Taipei time
REMIND_BEFORE = timedelta(hours=2)  # the last reminder
QUIET_FROM, QUIET_UNTIL = time(22, 0), time(8, 0)  # no reminders in between ...
# ... unless the event starts before the quiet hours end (then waiting would be too late).
ALERT_LEVELS = (80, 100)  # % of capacity at which the district's staff chat is told

# Job kinds (declared by the events feature: bot/handlers/events/jobs.py).
JOB_REMIND, JOB_OFFER, JOB_EXPIRE = "event_remind", "event_offer", "event_offer_expire"
JOB_CHANGE, JOB_ALERT = "event_change", "event_alert"


def aware(when: datetime) -> datetime:
    """A timestamp with a time zone (a naive one is the machine's local time, as
    datetime.now() gives), in UTC."""
    return (when if when.tzinfo else when.astimezone()).astimezone(UTC)


def local(when: datetime) -> datetime:
    """A timestamp in Taipei time."""
    return aware(when).astimezone(TAIPEI)


def signup_open(ev: EventView, now: datetime) -> bool:
    """True while residents may sign up (scheduled, before signup_closes or the start)."""
    return ev.status == "scheduled" and aware(now) < aware(ev.signup_closes or ev.starts)


def offer_deadline(ev: EventView, now: datetime) -> datetime | None:
    """Until when a seat freed now is held for the first in line; None when too late to offer
    (the deadline would fall within OFFER_STOP of the start, or the event is not on)."""
    if ev.status != "scheduled":
        return None
    until = min(aware(now) + timedelta(hours=OFFER_HOURS), aware(ev.starts) - OFFER_STOP)
    return until if until > aware(now) else None


def offer_stands(ev: EventView, reg: RegistrationView, now: datetime) -> bool:
    """True while a held seat may still be taken: before its deadline, and (should the event
    have moved earlier since) more than OFFER_STOP before the start."""
    return (reg.status == "offered" and ev.status == "scheduled" and reg.offer_until is not None
            and aware(now) < aware(reg.offer_until)
            and aware(now) < aware(ev.starts) - OFFER_STOP)


def outcome(ev: EventView, now: datetime) -> str:
    """What a sign-up now gets: "registered" (a free seat nobody in line is waiting for) or
    "waiting". Once offers have stopped, a free seat goes to whoever asks first."""
    queue_holds = ev.waiting > 0 and offer_deadline(ev, now) is not None
    return "registered" if ev.seats_left > 0 and not queue_holds else "waiting"


def alert_level(registered: int, capacity: int) -> int:
    """The highest ALERT_LEVELS reached by registered seats (0 for none)."""
    reached = [lv for lv in ALERT_LEVELS if registered * 100 >= lv * capacity]
    return max(reached, default=0)


def in_quiet_hours(when: datetime) -> bool:
    """True between QUIET_FROM and QUIET_UNTIL, Taipei time."""
    clock = local(when).time()
    return clock >= QUIET_FROM or clock < QUIET_UNTIL


def quiet_end(when: datetime) -> datetime:
    """The first QUIET_UNTIL (Taipei) at or after when."""
    at = local(when)
    end = at.replace(hour=QUIET_UNTIL.hour, minute=QUIET_UNTIL.minute, second=0, microsecond=0)
    return aware(end if end >= at else end + timedelta(days=1))


def send_time(planned: datetime, starts: datetime) -> datetime | None:
    """When a reminder planned for `planned` may go out: moved to the end of quiet hours
    unless the event starts before then; None when that is not before the start."""
    when = aware(planned)
    if in_quiet_hours(when) and quiet_end(when) < aware(starts):
        when = quiet_end(when)
    return when if when < aware(starts) else None


def reminder_plan(starts: datetime, now: datetime) -> list[tuple[str, datetime]]:
    """(which, when) of the reminders still to send for an event starting at starts:
    "day" (the evening before) and "soon" (REMIND_BEFORE the start), only those in the
    future, quiet hours respected, never two at the same moment."""
    day_before = local(starts).date() - timedelta(days=1)
    evening = aware(datetime.combine(day_before, REMIND_DAY_BEFORE, TAIPEI))
    plan: list[tuple[str, datetime]] = []
    for which, planned in (("day", evening), ("soon", aware(starts) - REMIND_BEFORE)):
        when = send_time(planned, starts)
        if when is not None and when > aware(now) and all(when != w for _, w in plan):
            plan.append((which, when))
    return plan
