"""The local web chat in headless Chromium, on a phone (390x844) and a desktop: the newest
element in view, links, wrapping, labels and contrast (axe-core), 44 px targets, focus,
tab order, bubble widths, and the bot's words when the server fails."""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.common.settings import ROOT, load_settings
from bot.runtime.services import build_services
from bot.runtime.web import build_app
from tests.chat import shared_deps
from tests.contrast import ratio

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "test-artifacts" / "web-chat"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
Page = Any  # playwright's Page (imported lazily: the module needs no browser to be collected)


@asynccontextmanager
async def chat_page(tmp_path: Path, viewport: dict[str, int]) -> AsyncIterator[Page]:
    """The real app on a fresh database, and a page on it in headless Chromium."""
    from playwright.async_api import async_playwright

    settings = load_settings(database_url=f"sqlite://{tmp_path / 'web.sqlite3'}")
    client = TestClient(TestServer(build_app(settings, build_services(settings,
                                                                      shared_deps()))))
    await client.start_server()
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"])
            phone = viewport == PHONE
            context = await browser.new_context(viewport=viewport, bypass_csp=True,  # for axe
                                                is_mobile=phone, has_touch=phone)
            page = await context.new_page()
            await page.goto(str(client.make_url("/")))
            await page.wait_for_selector(".msg.bot")  # the welcome after the follow event
            yield page
            await browser.close()
    finally:
        await client.close()


async def shot(page: Page, name: str) -> None:
    """Keep a screenshot as a test artefact (test-artifacts/ is git-ignored)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"))


async def bot_count(page: Page) -> int:
    return int(await page.evaluate("document.querySelectorAll('#log > .bot').length"))


async def say(page: Page, text: str) -> None:
    """Type and send; wait for the answer."""
    before = await bot_count(page)
    await page.fill("#text", text)
    await page.click("#send")
    await page.wait_for_function(f"document.querySelectorAll('#log > .bot').length > {before}")


async def press(page: Page, label: str) -> None:
    """Press the newest button with this label; wait for the answer."""
    before = await bot_count(page)
    await page.locator(".choices:not(.old) button", has_text=label).last.click()
    await page.wait_for_function(f"document.querySelectorAll('#log > .bot').length > {before}")


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    """WCAG 2.1 A/AA violations axe-core finds on the page as it is now."""
    await page.add_script_tag(path=str(AXE))
    result = await page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target)}));
    }""")
    return list(result)


async def in_view(page: Page, selector: str) -> bool:
    """True when the element's box lies inside the scrolled chat log's visible part."""
    return bool(await page.evaluate("""(sel) => {
        const el = document.querySelectorAll(sel);
        const box = el[el.length - 1].getBoundingClientRect();
        const log = document.getElementById('log').getBoundingClientRect();
        return box.top >= log.top - 1 && box.bottom <= log.bottom + 1;
    }""", selector))


async def no_sideways_scroll(page: Page) -> bool:
    return bool(await page.evaluate("""() => {
        const log = document.getElementById('log');
        return document.documentElement.scrollWidth <= window.innerWidth
            && log.scrollWidth <= log.clientWidth;
    }"""))


async def styles(page: Page, selector: str, *names: str) -> list[str]:
    found = await page.evaluate("""([sel, names]) => {
        const s = getComputedStyle(document.querySelector(sel));
        return names.map(n => s.getPropertyValue(n));
    }""", [selector, list(names)])
    return list(found)


async def test_phone_wizard_scrolls_links_wraps_and_is_accessible(tmp_path: Path) -> None:
    async with chat_page(tmp_path, PHONE) as page:
        assert await axe_violations(page) == []
        label = await page.evaluate("document.getElementById('text').labels[0].textContent")
        assert label.strip()  # the text box has a label (not only a placeholder)
        fg, bg = await styles(page, "header", "color", "background-color")
        assert ratio(fg, bg) >= 4.5
        send_bg, send_fg, send_h = await styles(page, "#send", "background-color", "color",
                                                "height")
        assert ratio(send_fg, send_bg) >= 4.5 and float(send_h.removesuffix("px")) >= 44
        await say(page, "我要提案")
        await say(page, "公園增設遮陽棚與座椅")
        assert await in_view(page, ".choices")  # the districts are scrolled into view
        await shot(page, "phone-district")
        sizes = await page.evaluate("""[...document.querySelectorAll(
            '.choices:not(.old) button')].map(b => [b.offsetWidth, b.offsetHeight])""")
        assert sizes and all(w >= 44 and h >= 44 for w, h in sizes)
        await press(page, "士林區")
        assert await page.evaluate("document.activeElement.id") == "text"  # focus back
        old = await page.evaluate("""[...document.querySelectorAll('.choices.old button')]
            .map(b => b.tabIndex)""")
        assert old and set(old) == {-1}  # earlier buttons are out of the tab order
        for text in ("蘭雅里", "交通", "巷內沒有路燈，晚上回家很危險，長輩常跌倒。",
                     "在巷口與轉角增設 LED 路燈三盞。", "巷內住戶與學童", "大概八十萬"):
            await say(page, text)
        await press(page, "不留聯絡資料")
        assert await page.locator("article.card h2", has_text="構想書預覽").count() == 1
        assert await in_view(page, ".choices")  # 「送出提案」 is not cut off
        await shot(page, "phone-preview")
        await press(page, "送出提案")
        link = page.locator("article.card a").last
        href = await link.get_attribute("href")
        assert href is not None and "/p/" in href and href.startswith("http")
        await say(page, "https://example.org/" + "很長的網址" * 30 + "a" * 120)
        assert await page.locator("p.me a").count() == 1  # typed links are links too
        assert await no_sideways_scroll(page)
        await shot(page, "phone-submitted")
        assert await axe_violations(page) == []
        resp = await page.goto(page.url)  # the page's headers: its own code only
        assert resp is not None and "script-src 'self'" in (
            await resp.all_headers())["content-security-policy"]


async def test_desktop_bubbles_fit_their_words_and_lines_stay_readable(tmp_path: Path) -> None:
    async with chat_page(tmp_path, DESKTOP) as page:
        await say(page, "好")
        me = await page.evaluate("document.querySelector('.msg.me').offsetWidth")
        assert me < 120  # sized to its one character, not 80 % of the window
        await say(page, "住民大會是什麼")
        card = page.locator("article.card").last
        width = await card.evaluate("el => el.offsetWidth")
        size = await card.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        assert width / size <= 38  # about 34 characters a line at most
        assert await in_view(page, ".choices")
        assert await axe_violations(page) == []
        await shot(page, "desktop-answer")


async def test_the_bot_s_words_when_the_server_or_the_network_fails(tmp_path: Path) -> None:
    failing = {"error": "unavailable",
               "replies": [{"text": "抱歉，系統剛剛出了點問題，請稍後再試一次 🙏", "choices": []}]}
    async with chat_page(tmp_path, PHONE) as page:
        async def unavailable(route: Any) -> None:
            await route.fulfill(status=503, content_type="application/json",
                                body=json.dumps(failing, ensure_ascii=False))

        await page.route("**/api/chat", unavailable)
        await say(page, "住民大會是什麼")
        last = await page.locator("#log > .bot").last.text_content()
        assert last == failing["replies"][0]["text"]  # the server's own message, not nothing

        async def offline(route: Any) -> None:
            await route.abort("internetdisconnected")

        await page.unroute("**/api/chat")
        await page.route("**/api/chat", offline)
        await say(page, "住民大會是什麼")
        last = await page.locator("#log > .bot").last.text_content()
        assert last == shared_deps().content.t("web.offline")
        await shot(page, "phone-offline")
        await page.unroute("**/api/chat")
        await say(page, "住民大會是什麼")  # and back again
        assert await page.locator("article.card").count() == 1
