"""Events on LINE (Flex carousel and bubbles, every request checked against the spec) and
Telegram (a numbered list with inline buttons), the .ics link, pushed reminders and offers,
and many sign-ups in one batch for the last seat."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import icalendar
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.common.settings import load_settings
from bot.events.policy import TAIPEI
from bot.runtime.services import build_services
from bot.runtime.web import build_app
from bot.storage import events_seats
from bot.storage.models import EventRegistration
from tests.bot_harness import Bot, running_bot
from tests.chat import shared_deps
from tests.events_harness import FakeClock, clocked_deps, far, load, run_jobs, spec, statuses
from tests.fakes.line_api import message_text
from tests.fakes.webhooks import (
    line_body,
    line_postback_event,
    line_text_event,
    telegram_callback_update,
    telegram_message_update,
)
from tests.staff_harness import services_of

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
USERS = ["U" + f"{n:x}" * 32 for n in range(1, 5)]


async def _line(bot: Bot, user: str, kind: str, value: str) -> list[dict[str, Any]]:
    """Send a text or press a button (by label or payload ending); the messages answered."""
    before = len(bot.line.requests)
    if kind == "press":
        data = next(a["data"] for a in bot.line.actions()
                    if value in a.get("label", "") or a.get("data", "").endswith(value))
        event = line_postback_event(user, data)
    else:
        event = line_text_event(user, value)
    assert (await bot.post_line(line_body([event]))).status == 200
    await bot.line.wait_for(before + 1)
    await bot.settle()
    messages: list[dict[str, Any]] = bot.line.requests[-1].json["messages"]
    return messages


async def test_line_carousel_sign_up_and_calendar_file(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await load(far(url="https://example.org/walk"),
                   far("course", kind="course-basic", title="初階課程測試", district="全市"))
        [carousel] = await _line(bot, USERS[0], "text", "活動報名")
        assert carousel["type"] == "flex" and carousel["contents"]["type"] == "carousel"
        bubbles = carousel["contents"]["contents"]
        assert len(bubbles) == 2 and "額滿" not in message_text(carousel)
        shown = message_text(carousel)
        assert "3/14（六）" in shown and "剩 2 位（共 2 位）" in shown
        labels = [a["label"] for a in bot.line.actions()]
        assert labels.count("報名") == 2 and "活動網頁" in labels
        await _line(bot, USERS[0], "press", "|events.register|shilin-walk")
        await _line(bot, USERS[0], "press", "同意並報名")
        [card] = await _line(bot, USERS[0], "text", "王小明")
        assert card["type"] == "flex" and "報名成功" in message_text(card)
        link = next(a for a in bot.line.actions() if a["type"] == "uri")
        assert link["label"] == "加入行事曆" and link["uri"].endswith(".ics")
        assert bot.line.errors == []  # every request, Flex included, matched the spec
        resp = await bot.client.get("/e/" + link["uri"].rsplit("/e/", 1)[1])
        assert resp.status == 200 and resp.headers["Cache-Control"] == "private, no-store"
        assert resp.content_type == "text/calendar"
        item = icalendar.Calendar.from_ical(await resp.read()).events[0]
        row = await EventRegistration.get()
        assert item.start.astimezone(TAIPEI).hour == 9 and str(item.start.tzinfo) == "Asia/Taipei"
        assert "https://example.org/walk" in str(item["description"])
        assert row.code in str(item["description"]) and str(item["location"]) == "士林區公所前"
        assert (await bot.client.get("/e/not-a-real-token-at-all.ics")).status == 404
        assert (await bot.client.get("/e/%3Cscript%3E.ics")).status == 404
        await row.delete()
        assert (await bot.client.get(f"/e/{row.token}.ics")).status == 404


async def test_line_the_last_seat_pressed_by_three_at_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three residents send their name in one webhook body: one batch of turns whose
    handlers all read "one seat left". The effect finds the truth under the event's lock;
    each resident's answer matches what was stored."""
    conflicts: list[str] = []
    real = events_seats.register

    async def counting(key: tuple[str, str, str], data: dict[str, Any]) -> None:
        try:
            await real(key, data)
        except events_seats.EventConflict:
            conflicts.append(key[2])
            raise

    monkeypatch.setattr(events_seats, "register", counting)
    async with running_bot(tmp_path) as bot:
        await load(far(capacity=1))
        for user in USERS[:3]:
            await _line(bot, user, "text", "活動報名")
            await _line(bot, user, "press", "|events.register|shilin-walk")
            await _line(bot, user, "press", "同意")
        before = len(bot.line.requests)
        names = [line_text_event(user, f"住民{n}") for n, user in enumerate(USERS[:3])]
        assert (await bot.post_line(line_body(names))).status == 200
        await bot.line.wait_for(before + 3)
        await bot.settle()
        stored = await statuses("shilin-walk")
        assert sorted(stored.values()) == ["registered", "waiting", "waiting"]
        said = {r.json["replyToken"]: "\n".join(message_text(m) for m in r.json["messages"])
                for r in bot.line.requests[before:]}
        for event in names:
            user, text = event["source"]["userId"], said[event["replyToken"]]
            if stored[user] == "registered":
                assert "報名成功" in text
            else:
                row = await EventRegistration.get(user_id=user)
                place = await EventRegistration.filter(status="waiting", id__lt=row.id).count()
                assert f"目前第 {place + 1} 位" in text
        assert conflicts  # the handlers' reading was stale, and the turns were run again
        assert bot.line.errors == []


async def test_line_reminder_and_seat_offer_are_pushed_and_pressed(tmp_path: Path) -> None:
    clock = FakeClock()
    async with running_bot(tmp_path, deps=clocked_deps(clock)) as bot:
        await load(spec(capacity=1))
        for n, user in enumerate(USERS[:2]):
            await _line(bot, user, "text", "活動報名")
            await _line(bot, user, "press", "|events.register|shilin-walk")
            await _line(bot, user, "press", "同意")
            await _line(bot, user, "text", f"住民{n}")
        await _line(bot, USERS[0], "text", "我的報名")
        await _line(bot, USERS[0], "press", "取消報名")
        await _line(bot, USERS[0], "press", "確定取消")
        await run_jobs(services_of(bot))
        push = bot.line.requests[-1]
        assert push.path == "/v2/bot/message/push" and push.json["to"] == USERS[1]
        assert "X-Line-Retry-Key" in push.headers
        assert "有名額了" in message_text(push.json["messages"][0])
        await _line(bot, USERS[1], "press", "接受名額")
        assert (await statuses("shilin-walk")) == {USERS[1]: "registered"}
        clock.at(2027, 3, 12, 18, 0)
        await run_jobs(services_of(bot))
        reminder = bot.line.requests[-1]
        assert reminder.path == "/v2/bot/message/push" and reminder.json["to"] == USERS[1]
        assert reminder.json["messages"][0]["type"] == "flex"
        text = message_text(reminder.json["messages"][0])
        code = (await EventRegistration.get()).code
        assert "活動提醒" in text and code in text and "水、帽子" in text
        assert bot.line.errors == []


async def test_telegram_list_with_inline_buttons_and_sign_up(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await load(far(), far("course", kind="course-basic", title="初階課程測試",
                              district="全市"))
        chat = 5550009
        await bot.post_telegram(telegram_message_update(1, chat, chat, "活動報名"))
        await bot.settle()
        sent = [c for c in bot.telegram.calls if c.method == "sendMessage"][-1].params
        assert re.search(r"^1\. 初階課程測試", sent["text"], re.M)
        assert re.search(r"^2\. 士林走讀測試場", sent["text"], re.M)
        keyboard = {row[0]["text"]: row[0]["callback_data"]
                    for row in sent["reply_markup"]["inline_keyboard"]}
        assert {"1. 報名", "2. 報名", "主選單"} <= set(keyboard)
        assert all(len(d.encode()) <= 64 for d in keyboard.values())
        await bot.post_telegram(telegram_callback_update(2, chat, chat, keyboard["2. 報名"]))
        await bot.settle()
        sent = [c for c in bot.telegram.calls if c.method == "sendMessage"][-1].params
        agree = sent["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        await bot.post_telegram(telegram_callback_update(3, chat, chat, agree))
        await bot.post_telegram(telegram_message_update(4, chat, chat, "陳大文"))
        await bot.settle()
        assert "報名成功" in bot.telegram.sent_texts(chat)[-1]
        assert (await EventRegistration.get()).platform == "telegram"
        assert bot.telegram.errors == []


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
async def test_web_chat_sign_up_in_headless_chromium(tmp_path: Path) -> None:
    from playwright.async_api import async_playwright

    settings = load_settings(database_url=f"sqlite://{tmp_path / 'web.sqlite3'}")
    client = TestClient(TestServer(build_app(settings, build_services(settings, shared_deps()))))
    await client.start_server()
    try:
        await load(far(), far("course", kind="course-basic", title="初階課程測試",
                              district="全市"))
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--no-first-run"])
            page = await browser.new_page()
            await page.goto(str(client.make_url("/")))
            await page.wait_for_selector(".msg.bot")

            async def bot_says(words: str) -> str:
                # A locator wait: the page's CSP forbids wait_for_function's string eval.
                said = page.locator(".msg.bot", has_text=words).last
                await said.wait_for()
                return str(await said.text_content())

            await page.fill("#text", "活動報名")
            await page.click("#send")
            await bot_says("初階課程測試")
            # Each card's buttons follow it in the log.
            walk = page.locator(".msg.bot.card:has-text('士林走讀測試場') + .choices button")
            await walk.filter(has_text="報名").last.click()
            await bot_says("同意嗎")
            await page.locator(".choices button", has_text="同意並報名").last.click()
            await bot_says("姓名")
            await page.fill("#text", "網頁住民")
            await page.click("#send")
            done = await bot_says("報名成功")
            row = await EventRegistration.get()
            assert "報名成功" in done and row.code in done and f"/e/{row.token}.ics" in done
            await page.screenshot(path=str(tmp_path / "events.png"), full_page=True)
            await browser.close()
    finally:
        await client.close()
