"""Pure parts of events: event files, filters read from messages, timing rules, codes, .ics."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest

from bot.common.settings import ROOT
from bot.events import codes, dates, ics, policy
from bot.events.checks import check_events, check_filter_words
from bot.events.filters import Filter, FilterWords, parse
from bot.events.policy import TAIPEI
from bot.events.spec import load_file, parse_events
from bot.events.view import EventView, RegistrationView
from bot.handlers.deps import Deps
from tests.events_harness import NOW

DISTRICTS = ["士林區", "大安區"]
GOOD = {"id": "shilin-walk-1", "kind": "walk", "title": "（範例）走讀", "district": "士林區",
        "starts": "2027-03-13T09:30:00+08:00", "ends": "2027-03-13T11:30:00+08:00",
        "place": "士林區公所前", "capacity": 20, "host": "士林區公所", "summary": "走讀",
        "for_whom": "市民", "status": "scheduled"}


def tp(*args: int) -> datetime:
    return datetime(*args, tzinfo=TAIPEI)  # type: ignore[misc]


def view(**changes: object) -> EventView:
    values: dict[str, object] = {
        "id": "e", "kind": "walk", "title": "走讀", "district": "士林區",
        "starts": tp(2027, 3, 13, 9, 30), "ends": tp(2027, 3, 13, 11, 30), "place": "公所",
        "capacity": 10, "host": "區公所", "summary": "s", "for_whom": "f"}
    values.update(changes)
    return EventView(**values)  # type: ignore[arg-type]


# --- event files -------------------------------------------------------------------------

def test_a_good_event_parses_with_taipei_times() -> None:
    specs, errors = parse_events([GOOD], DISTRICTS, "f.yaml")
    assert errors == [] and specs[0].starts == tp(2027, 3, 13, 9, 30)
    assert specs[0].capacity == 20 and specs[0].needs_phone is False


@pytest.mark.parametrize(("change", "problem"), [
    ({"kind": "party"}, "kind: one of"),
    ({"district": "板橋區"}, "district: one of the 12"),
    ({"starts": "2027-03-13T09:30:00"}, "+08:00"),
    ({"starts": "2027-03-13T01:30:00Z"}, "+08:00"),
    ({"starts": "next saturday"}, "not an ISO 8601"),
    ({"ends": "2027-03-13T09:00:00+08:00"}, "ends: must be after starts"),
    ({"capacity": 0}, "capacity"), ({"capacity": "20"}, "capacity"),
    ({"status": "maybe"}, "status: one of"), ({"id": "Bad ID"}, "id:"),
    ({"capcity": 3}, "unknown field 'capcity'"), ({"url": "javascript:alert(1)"}, "url:"),
    ({"signup_closes": "2027-03-14T00:00:00+08:00"}, "signup_closes"),
    ({"needs_phone": "yes"}, "needs_phone"), ({"title": "走" * 81}, "title: at most 80"),
])
def test_bad_events_are_refused_with_a_clear_line(change: dict[str, object],
                                                  problem: str) -> None:
    specs, errors = parse_events([{**GOOD, **change}], DISTRICTS, "f.yaml")
    assert specs == [] and any(problem in e for e in errors), errors
    assert errors[0].startswith("f.yaml event ")


def test_missing_fields_and_duplicate_ids() -> None:
    item = {k: v for k, v in GOOD.items() if k != "place"}
    assert "place is missing" in parse_events([item], DISTRICTS, "f")[1][0]
    assert any("id used twice" in e for e in parse_events([GOOD, GOOD], DISTRICTS, "f")[1])
    assert parse_events({"not": "a list"}, DISTRICTS, "f")[1] == ["f: expected a list of events"]


def test_yaml_timestamps_and_unreadable_files(tmp_path: Path) -> None:
    path = tmp_path / "season.yaml"
    path.write_text("- id: a-walk\n  kind: walk\n  title: t\n  district: 全市\n"
                    "  starts: 2027-03-13T09:30:00+08:00\n  ends: 2027-03-13T11:30:00+08:00\n"
                    "  place: p\n  capacity: 5\n  host: h\n  summary: s\n  for_whom: f\n"
                    "  status: scheduled\n", encoding="utf-8")
    specs, errors = load_file(path, DISTRICTS)  # YAML reads the times as datetimes itself
    assert errors == [] and specs[0].district == "全市"
    path.write_text("- id: [unclosed", encoding="utf-8")
    assert "cannot read" in load_file(path, DISTRICTS)[1][0]


def test_the_shipped_files_are_valid_and_marked_as_samples(deps: Deps) -> None:
    assert check_events(ROOT / "content", deps.content, deps.spec) == []
    specs, _ = load_file(ROOT / "content" / "events" / "samples.yaml",
                         [d.id for d in deps.spec.districts])
    assert len(specs) >= 5 and all("範例" in s.title for s in specs)
    assert {s.kind for s in specs} == {"walk", "course-basic", "course-advanced",
                                       "course-deliberator"}


def test_filter_words_check_finds_a_word_in_two_groups(tmp_path: Path) -> None:
    path = tmp_path / "event-filters.yaml"
    path.write_text("kinds: {walk: [走讀], course: [走讀]}\ndates: {today: [今天], soon: [快]}\n",
                    encoding="utf-8")
    errors = check_filter_words(path)
    assert any("'走讀' is in walk and course" in e for e in errors)
    assert any("unknown group soon" in e for e in errors)


# --- filters read from messages ------------------------------------------------------------

@pytest.fixture(scope="module")
def words() -> FilterWords:
    return FilterWords.load(ROOT / "content")


def test_district_and_this_month(words: FilterWords) -> None:
    f = parse("士林區這個月有什麼活動", words, NOW)
    assert f == Filter((), "士林區", date(2027, 3, 1), date(2027, 3, 31))


@pytest.mark.parametrize(("text", "action", "kinds"), [
    ("我想報名走讀", "walk", ("walk",)),
    ("有什麼課程", None, ("course-basic", "course-advanced", "course-deliberator")),
    ("我想上進階課程", "course", ("course-advanced",)),
    ("審議員培訓什麼時候", None, ("course-deliberator",)),
    ("有什麼活動", None, ()),
    ("报名走读", None, ("walk",)),  # Simplified
    ("any walks this weekend?", None, ("walk",)),
])
def test_kinds(words: FilterWords, text: str, action: str | None,
               kinds: tuple[str, ...]) -> None:
    assert parse(text, words, NOW, action).kinds == kinds


@pytest.mark.parametrize(("text", "first", "last"), [
    ("明天的走讀", date(2027, 3, 2), date(2027, 3, 2)),
    ("這週有什麼", date(2027, 3, 1), date(2027, 3, 7)),
    ("週末有走讀嗎", date(2027, 3, 6), date(2027, 3, 7)),
    ("這週末", date(2027, 3, 6), date(2027, 3, 7)),
    ("下週末", date(2027, 3, 13), date(2027, 3, 14)),
    ("下個月的課程", date(2027, 4, 1), date(2027, 4, 30)),
    ("12月有什麼", date(2027, 12, 1), date(2027, 12, 31)),
    ("十二月", date(2027, 12, 1), date(2027, 12, 31)),
    ("１月的走讀", date(2028, 1, 1), date(2028, 1, 31)),  # full-width; January is next year's
    ("3月13日", date(2027, 3, 13), date(2027, 3, 13)),
    ("3/13 那場", date(2027, 3, 13), date(2027, 3, 13)),
    ("三個月內", None, None),
    ("2/30", None, None),
])
def test_dates(words: FilterWords, text: str, first: date | None, last: date | None) -> None:
    f = parse(text, words, NOW)
    assert (f.first, f.last) == (first, last)


def test_short_district_names_and_english(words: FilterWords) -> None:
    assert parse("北投有走讀嗎", words, NOW).district == "北投區"
    assert parse("walks in Shilin", words, NOW).district == "士林區"
    assert parse("萬華區下週", words, NOW).district == "萬華區"


def test_a_filter_survives_a_button() -> None:
    f = Filter(("walk", "course-basic"), "士林區", date(2027, 3, 1), date(2027, 3, 31))
    assert Filter.decode(f.encode()) == f and Filter.decode(Filter().encode()) == Filter()
    assert len(f"abcdef|evp|{f.encode()}:10".encode()) <= 64
    assert Filter.decode("x:y") is None and Filter.decode("q::2027:") is None


# --- timing rules ---------------------------------------------------------------------------

def test_reminders_the_evening_before_and_two_hours_before() -> None:
    plan = policy.reminder_plan(tp(2027, 3, 13, 14, 0), NOW)
    assert plan == [("day", tp(2027, 3, 12, 18, 0)), ("soon", tp(2027, 3, 13, 12, 0))]


def test_reminders_never_in_quiet_hours_unless_the_event_is_that_close() -> None:
    # 09:00 start: 2 h before is 07:00 (quiet), moved to 08:00.
    assert policy.reminder_plan(tp(2027, 3, 13, 9, 0), NOW)[1] == ("soon", tp(2027, 3, 13, 8, 0))
    # 07:30 start: waiting for 08:00 would be too late, so 05:30 it is.
    assert policy.reminder_plan(tp(2027, 3, 13, 7, 30), NOW)[1] == ("soon",
                                                                     tp(2027, 3, 13, 5, 30))
    assert policy.in_quiet_hours(tp(2027, 3, 1, 22, 0)) and policy.in_quiet_hours(
        tp(2027, 3, 1, 7, 59)) and not policy.in_quiet_hours(tp(2027, 3, 1, 8, 0))


def test_reminders_already_past_are_not_planned() -> None:
    late = tp(2027, 3, 13, 10, 0)  # signed up on the morning of the event
    assert policy.reminder_plan(tp(2027, 3, 13, 14, 0), late) == [("soon", tp(2027, 3, 13, 12))]
    assert policy.reminder_plan(tp(2027, 3, 13, 11, 0), late) == []


def test_offer_deadline_24_hours_but_never_within_two_hours_of_the_start() -> None:
    ev = view()
    assert policy.offer_deadline(ev, NOW) == policy.aware(NOW + timedelta(hours=24))
    day_before = tp(2027, 3, 12, 20, 0)
    assert policy.offer_deadline(ev, day_before) == policy.aware(tp(2027, 3, 13, 7, 30))
    assert policy.offer_deadline(ev, tp(2027, 3, 13, 7, 30)) is None
    assert policy.offer_deadline(view(status="cancelled"), NOW) is None


def test_who_gets_a_seat() -> None:
    assert policy.outcome(view(registered=9), NOW) == "registered"
    assert policy.outcome(view(registered=9, offered=1), NOW) == "waiting"
    # A free seat with people in line is theirs while offers can still be made ...
    assert policy.outcome(view(registered=9, waiting=2), NOW) == "waiting"
    # ... and anyone's once they cannot (within 2 h of the start).
    assert policy.outcome(view(registered=9, waiting=2), tp(2027, 3, 13, 8, 0)) == "registered"
    assert not policy.signup_open(view(signup_closes=tp(2027, 3, 1, 9, 0)), NOW)
    assert policy.alert_level(8, 10) == 80 and policy.alert_level(10, 10) == 100
    assert policy.alert_level(7, 10) == 0 and policy.alert_level(1, 1) == 100


# --- codes, dates, calendar files -----------------------------------------------------------

def test_codes_use_the_door_alphabet() -> None:
    drawn = {codes.new_code() for _ in range(2000)}
    assert len(drawn) == 2000
    assert all(len(c) == 8 and set(c) <= set("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for c in drawn)
    assert not set("".join(drawn)) & set("OI01")
    assert codes.read_code(" abcd-2345 ") == "ABCD2345"
    assert codes.read_code("ABCD1234") is None and codes.read_code("ABCDEFGHJ") is None


def test_dates_with_weekdays_in_taipei(deps: Deps) -> None:
    late = datetime(2027, 3, 12, 16, 30, tzinfo=policy.UTC)  # 00:30 on the 13th in Taipei
    assert dates.day(deps.content, late) == "3/13（六）"
    assert dates.day(deps.content, late, "en") == "Sat 3/13"
    assert dates.hours(deps.content, tp(2027, 3, 13, 9, 30), tp(2027, 3, 13, 11, 30)) \
        == "09:30–11:30"
    assert dates.hours(deps.content, tp(2027, 3, 13, 9), tp(2027, 3, 14, 12)) \
        == "09:00–3/14（日） 12:00"


def test_ics_parses_back_with_taipei_times_and_the_link_in_the_description(deps: Deps) -> None:
    ev = view(url="https://example.org/walk", bring="水", version=3)
    reg = RegistrationView(id=7, event_id="e", platform="line", user_id="U1", chat_id="U1",
                           status="registered", code="ABCD2345", token="t" * 22, name="王")
    cal = icalendar.Calendar.from_ical(ics.build(deps.content, ev, reg, NOW))
    item = cal.events[0]
    assert item.start == tp(2027, 3, 13, 9, 30) and str(item.start.tzinfo) == "Asia/Taipei"
    assert item.end == tp(2027, 3, 13, 11, 30)
    assert str(item["location"]) == "公所" and str(item["summary"]) == "走讀"
    description = str(item["description"])
    assert "https://example.org/walk" in description and "ABCD2345" in description
    assert int(item["sequence"]) == 3 and str(item["status"]) == "CONFIRMED"
    assert any(c.name == "VTIMEZONE" for c in cal.subcomponents)


def test_check_content_finds_a_bad_event_file_and_ids_in_two_files(tmp_path: Path,
                                                                     deps: Deps) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "events" / "season.yaml").write_text(
        "- id: sample-shilin-walk-1\n  kind: walk\n  title: t\n  district: 士林區\n"
        "  starts: 2027-03-13T09:30:00+08:00\n  ends: 2027-03-13T11:30:00+08:00\n"
        "  place: p\n  capacity: 5\n  host: h\n  summary: s\n  for_whom: f\n"
        "  status: scheduled\n- id: broken\n  kind: walk\n", encoding="utf-8")
    errors = check_events(content, deps.content, deps.spec)
    assert any("sample-shilin-walk-1: id also in samples.yaml" in e for e in errors)
    assert any("events/season.yaml event broken: title is missing" in e for e in errors)
