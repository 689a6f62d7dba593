"""i-Voting: the calendar file, answers from it, subscriptions, reminders (open, closing,
never after close, rescheduled, once each); district news opt-in; 「我的資料」."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import yaml

from bot.handlers.deps import Deps
from bot.handlers.menu import MAIN_MENU
from bot.ivoting.calendar import Period, load_calendar
from bot.ivoting.reminders import KIND, Reminders, schedule
from bot.proposals.dates import TAIPEI
from bot.runtime.dispatcher import Dispatcher
from bot.storage import ivoting, subscriptions
from bot.storage.models import Broadcast, Job
from tests.chat import Chat

ROOT = Path(__file__).resolve().parent.parent
DISTRICTS = ("士林區", "北投區")
NOW = datetime(2030, 5, 3, 10, 0, tzinfo=TAIPEI)


def _period(**changes: object) -> Period:
    base = Period("pb-2030-city", "2030 年全市提案票選", "全市", NOW - timedelta(days=2),
                  NOW + timedelta(days=7), "上 i-Voting 網站以身分證字號投票",
                  "設籍臺北市年滿 16 歲", "http://pb.taipei/")
    return replace(base, **changes)  # type: ignore[arg-type]


def _chat(deps: Deps, user: str = "resident01") -> Chat:
    return Chat(Dispatcher(replace(deps, clock=lambda: NOW)), user=user)


def test_the_shipped_calendar_is_valid_and_only_samples(deps: Deps) -> None:
    calendar = load_calendar(ROOT / "content" / "ivoting.yaml",
                             tuple(d.id for d in deps.spec.districts))
    assert calendar.problems == () and calendar.periods
    assert all(p.sample and "範例" in p.title for p in calendar.periods)
    assert calendar.replaces_faq == ("process-ivoting-when",)


def test_calendar_problems_are_each_named(tmp_path: Path) -> None:
    bad = [{"id": "Bad Id", "title": "範例", "scope": "火星區", "opens": "2030-05-01 09:00",
            "closes": "2030-04-01T09:00:00+08:00", "how_to_vote": "x", "eligibility": "y",
            "url": "pb.taipei", "extra": 1},
           {"id": "ok-1", "title": "真的", "scope": "全市", "opens": "2030-05-01T09:00:00+08:00",
            "closes": "2030-05-02T09:00:00+08:00", "how_to_vote": "x", "eligibility": "y",
            "url": "http://pb.taipei/"}]
    path = tmp_path / "cal.yaml"
    path.write_text(yaml.safe_dump({"periods": bad}, allow_unicode=True), encoding="utf-8")
    calendar = load_calendar(path, DISTRICTS)
    text = "\n".join(calendar.problems)
    assert "unknown field extra" in text and "period #1" in text
    assert [p.id for p in calendar.periods] == ["ok-1"]
    bad[0] = {k: v for k, v in bad[0].items() if k != "extra"}
    path.write_text(yaml.safe_dump({"periods": bad}, allow_unicode=True), encoding="utf-8")
    text = "\n".join(load_calendar(path, DISTRICTS).problems)
    for expected in ("id:", "scope:", "+08:00", "sample", "url:"):
        assert expected in text


async def test_when_answers_from_the_calendar(chat: Chat, deps: Deps) -> None:
    resident = _chat(deps)
    assert "目前沒有排定的投票" in await resident.send("i-Voting 什麼時候")
    assert "pb.taipei" in resident.text
    await ivoting.upsert(_period(opens=NOW + timedelta(days=3), closes=NOW + timedelta(days=9)))
    text = await resident.send("i-Voting 什麼時候")
    assert "下一次" in text and "2030/5/6（一）10:00" in text
    await ivoting.upsert(_period(id="pb-2030-shilin", title="士林區票選", scope="士林區"))
    text = await resident.send("投票什麼時候")
    assert "投票中：士林區票選" in text and "2030/5/10（五）10:00 截止" in text
    assert any("提醒我" in c.label for c in resident.choices)


async def test_the_faq_entry_without_dates_gives_way_to_a_loaded_calendar(
        chat: Chat, deps: Deps) -> None:
    resident = _chat(deps)
    assert "我這裡沒有資料" in await resident.press_payload("|faq|process-ivoting-when")
    await ivoting.upsert(_period())
    assert "投票中" in await resident.press_payload("|faq|process-ivoting-when")


async def test_subscribe_citywide_or_districts_and_stop_in_one_step(chat: Chat,
                                                                    deps: Deps) -> None:
    resident = _chat(deps)
    await resident.send("選單")
    assert any(c.label == "投票提醒" for c in resident.choices)
    assert ("menu.ivoting", "ivoting", "") in MAIN_MENU
    await resident.send("投票開始時提醒我")
    await resident.press("全市都提醒")
    assert "全市" in resident.text
    await resident.send("投票提醒")  # the rich-menu tile's text
    await resident.press("選擇行政區")
    assert len(resident.choices) == 13  # 12 districts and 完成: LINE's quick-reply maximum
    await resident.press("士林區")
    assert any(c.label == "✓ 士林區" for c in resident.choices)
    assert await subscriptions.of_user("local", "resident01") == {"ivoting": ("全市", "士林區")}
    await resident.press("✓ 士林區")  # pressed again: off
    assert await subscriptions.of_user("local", "resident01") == {"ivoting": ("全市",)}
    assert "已取消所有 i-Voting 提醒" in await resident.send("之後不用再提醒我了")
    assert await subscriptions.of_user("local", "resident01") == {}
    assert "沒有訂閱" in await resident.send("之後不用再提醒我了")


async def test_district_news_opt_in_and_out_and_my_data(chat: Chat, deps: Deps) -> None:
    resident = _chat(deps)
    assert "已訂閱士林區活動通知" in await resident.send("訂閱士林區活動通知")
    await resident.send("我要訂閱活動通知")
    await resident.press("北投區")
    assert await subscriptions.of_user("local", "resident01") == {"news": ("士林區", "北投區")}
    assert "已取消士林區活動通知" in await resident.send("取消士林區活動通知")
    await resident.send("投票開始時提醒我")
    await resident.press("全市都提醒")
    text = await resident.send("我的資料")
    assert "i-Voting 提醒：1 項" in text and "行政區活動通知：1 項" in text
    await resident.press("活動通知設定")
    assert any(c.label == "✓ 北投區" for c in resident.choices)
    await resident.send("我的資料")
    await resident.press("刪除")
    await resident.press("確定")
    assert await subscriptions.of_user("local", "resident01") == {}


async def test_reminders_open_closing_never_after_close_and_rescheduled(
        sqlite_db: str, deps: Deps) -> None:
    p = _period(opens=NOW + timedelta(days=1), closes=NOW + timedelta(days=5))
    await ivoting.upsert(p)
    assert await schedule(p, True, 24) == 2
    assert await schedule(p, True, 24) == 2  # the same calendar again: no new jobs
    jobs = await Job.filter(kind=KIND).order_by("run_at")
    assert [j.run_at for j in jobs] == [p.opens, p.closes - timedelta(hours=24)]
    await subscriptions.add("line", "U" + "1" * 32, "ivoting", "全市")
    on_time = Reminders(deps.content, lambda: p.opens + timedelta(minutes=1))
    await on_time.run(_payload(jobs[0]), jobs[0])
    await on_time.run(_payload(jobs[0]), jobs[0])  # a retried job: still one broadcast
    sent = await Broadcast.filter(kind="ivoting")
    assert len(sent) == 1 and sent[0].expires_at == p.closes and sent[0].audience == "ivoting"
    assert "i-Voting 開始投票" in str(sent[0].messages["zh-TW"])
    assert "i-Voting is open" in str(sent[0].messages["en"])
    late = Reminders(deps.content, lambda: p.closes + timedelta(minutes=1))
    await late.run(_payload(jobs[1]), jobs[1])  # the queue ran late: the vote closed
    assert await Broadcast.filter(kind="ivoting").count() == 1
    moved = replace(p, closes=p.closes + timedelta(days=2))
    assert await ivoting.upsert(moved) == "changed"
    await schedule(moved, True, 24)
    stale = Reminders(deps.content, lambda: p.closes - timedelta(hours=23))
    await stale.run(_payload(jobs[1]), jobs[1])  # dates changed: the old job sends nothing
    assert await Broadcast.filter(kind="ivoting").count() == 1
    new = await Job.filter(kind=KIND).order_by("-run_at").first()
    assert new is not None and new.run_at == moved.closes - timedelta(hours=24)
    await stale.run(_payload(new), new)
    closing = await Broadcast.filter(kind="ivoting").order_by("-id").first()
    assert closing is not None and "快截止" in str(closing.messages["zh-TW"])


def _payload(job: Job) -> dict[str, object]:
    import json
    return dict(json.loads(job.payload))
