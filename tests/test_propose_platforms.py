"""The proposal wizard through the real LINE and Telegram adapters, and the printable page."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.storage.models import Proposal
from tests.bot_harness import Bot, running_bot
from tests.fakes.webhooks import (
    line_body,
    line_postback_event,
    line_text_event,
    telegram_callback_update,
    telegram_message_update,
)

USER = "U" + "2" * 32
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
STEPS: list[tuple[str, str]] = [
    ("text", "我要提案"), ("text", "<b>路燈</b> & \"安全\" <script>x</script>"),
    ("press", "士林區"), ("text", "蘭雅里"), ("press", "交通與道路"),
    ("text", "巷內沒有路燈，晚上回家很危險，長輩常跌倒。"),
    ("text", "在巷口與轉角增設 LED 路燈三盞。"), ("text", "巷內住戶與學童"),
    ("text", "50萬"), ("press", "同意留下"), ("text", "王小姐"), ("text", "0912345678"),
    ("press", "送出提案"),
]


async def _line_turn(bot: Bot, kind: str, value: str) -> None:
    before = len(bot.line.requests)
    if kind == "press":
        actions = bot.line.actions()
        data = next(a["data"] for a in actions if value in a.get("label", ""))
        event = line_postback_event(USER, data)
    else:
        event = line_text_event(USER, value)
    assert (await bot.post_line(line_body([event]))).status == 200
    await bot.line.wait_for(before + 1)


async def test_line_resident_submits_and_opens_the_printable_page(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        for kind, value in STEPS:
            await _line_turn(bot, kind, value)
        assert bot.line.errors == []  # every request matched LINE's OpenAPI spec
        last = "\n".join(bot.line.delivered_texts())
        assert "提案已送出" in last
        # The printable page is the card's link button (a uri action).
        url = next(a["uri"] for a in bot.line.actions() if a["type"] == "uri")
        assert re.fullmatch(r"http://\S+/p/[A-Za-z0-9_-]+", url)
        resp = await bot.client.get("/p/" + url.rsplit("/p/", 1)[1])
        page = await resp.text()
        assert resp.status == 200 and resp.headers["Cache-Control"] == "private, no-store"
        assert "<script>x" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
        assert "&lt;b&gt;路燈&lt;/b&gt;" in page and "士林區" in page
        assert "0912345678" not in page and "0912***678" in page  # contact masked
        assert (await bot.client.get("/p/not-a-real-token-at-all")).status == 404
        assert (await bot.client.get("/p/%3Cscript%3E")).status == 404


async def test_telegram_wizard_buttons_fit_callback_data(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        chat = 5550001
        await bot.post_telegram(telegram_message_update(1, chat, chat, "我要提案"))
        await bot.post_telegram(telegram_message_update(2, chat, chat, "公園增設遮陽棚"))
        await bot.settle()
        sent = [c for c in bot.telegram.calls if c.method == "sendMessage"]
        keyboard = sent[-1].params["reply_markup"]["inline_keyboard"]
        data = next(row[0]["callback_data"] for row in keyboard if row[0]["text"] == "北投區")
        await bot.post_telegram(telegram_callback_update(3, chat, chat, data))
        await bot.settle()
        assert bot.telegram.errors == []
        row = await Proposal.get()
        assert row.district == "北投區" and row.platform == "telegram"


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
async def test_printable_page_in_headless_chromium(tmp_path: Path) -> None:
    from playwright.async_api import async_playwright

    async with running_bot(tmp_path) as bot:
        for kind, value in STEPS:
            await _line_turn(bot, kind, value)
        token = (await Proposal.get()).token
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--no-first-run"])
            page = await browser.new_page()
            await page.goto(str(bot.client.make_url(f"/p/{token}")))
            heading = await page.locator("h1").text_content()
            assert heading is not None and "<b>路燈</b>" in heading  # shown as text, not markup
            assert await page.locator("script").count() == 0
            await page.emulate_media(media="print")
            await page.pdf(path=str(tmp_path / "proposal.pdf"))  # printable: renders to paper
            await page.screenshot(path=str(tmp_path / "proposal.png"), full_page=True)
            await browser.close()
        assert (tmp_path / "proposal.pdf").stat().st_size > 1000
