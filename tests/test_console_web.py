"""The staff console in headless Chromium (Debian's chromium through playwright): sign in by
link, only one's own districts, a status change the resident's fake LINE hears about, check-in
and undo, a closed ticket found by a word, a scheduled broadcast cancelled; axe-core finds no
WCAG 2.1 A/AA violation on any page, at 390 px and on a desktop; keyboard first stop."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.storage.models import Broadcast, EventRegistration
from tests.bot_harness import Bot, running_bot
from tests.console_harness import (
    LINE_RESIDENT,
    in_two_days,
    link_for,
    news_subscribers,
    office_with_events,
    office_with_proposals,
    some_tickets,
)
from tests.staff_harness import run_jobs, status_of
from tests.test_surface_web import AXE, CHROMIUM, DESKTOP, PHONE, shot

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
Page = Any


def nav(page: Page, name: str) -> Any:
    """A link of the main menu."""
    return page.get_by_role("navigation").get_by_role("link", name=name, exact=True)


async def checked(page: Page, seen: list[str]) -> None:
    """axe-core on the page as it is (no violation), and no sideways scroll."""
    await page.add_script_tag(path=str(AXE))
    found = await page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target)}));
    }""")
    assert found == [], (page.url, found)
    wide = await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert wide, f"sideways scroll on {page.url}"
    seen.append(page.url.split("/staff", 1)[1] or "/")


async def _sign_in(bot: Bot, page: Page, seen: list[str]) -> str:
    link = str(bot.client.make_url(await link_for()))
    await page.goto(link)
    await checked(page, seen)  # the link's page, before it is used
    await page.get_by_role("button", name="登入").click()
    await page.get_by_role("heading", name="工作台首頁").wait_for()
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.textContent") == "跳到主要內容"
    await checked(page, seen)
    return link


async def _proposal(bot: Bot, page: Page, refs: dict[str, str], seen: list[str]) -> None:
    await nav(page, "提案").click()
    await page.get_by_role("heading", name="提案").wait_for()
    listing = await page.content()
    assert refs["shilin"] in listing and refs["beitou"] not in listing
    await checked(page, seen)
    await page.get_by_role("link", name=refs["shilin"]).click()
    await page.get_by_label("已受理", exact=True).check()
    await checked(page, seen)
    await page.get_by_role("button", name="變更狀態並通知提案人").click()
    await page.get_by_role("status").wait_for()
    assert "已通知提案人" in await page.get_by_role("status").inner_text()
    assert await status_of(refs["shilin"]) == "accepted"
    await run_jobs(bot)
    assert any(refs["shilin"] in t for t in bot.line.delivered_texts(LINE_RESIDENT))
    await page.goto(str(bot.client.make_url(f"/staff/proposal?ref={refs['beitou']}")))
    assert "沒有這個頁面的權限" in await page.content()
    await checked(page, seen)


async def _check_in(bot: Bot, page: Page, seen: list[str]) -> None:
    await nav(page, "走讀與課程").click()
    await checked(page, seen)
    await page.get_by_role("link", name="士林走讀測試場").click()
    await page.get_by_label("姓名或報到碼").fill("王小明")
    await page.get_by_label("姓名或報到碼").press("Enter")  # search by keyboard
    await page.get_by_role("button", name="報到：王小明").click()
    await page.get_by_role("status").wait_for()
    assert (await EventRegistration.get(code="K7Q2X9")).checked_in_at is not None
    await checked(page, seen)
    await page.get_by_role("button", name="取消報到：王小明").click()
    await page.get_by_text("已取消報到。").wait_for()
    assert (await EventRegistration.get(code="K7Q2X9")).checked_in_at is None


async def _ticket(page: Page, seen: list[str]) -> None:
    await nav(page, "志工提問單").click()
    await checked(page, seen)
    await page.get_by_label("搜尋所有提問單（問題或對話中的字詞）").fill("遮陽棚")
    await page.get_by_role("button", name="搜尋").click()
    await page.get_by_role("link", name="T103").click()
    assert "遮陽棚的提案已進入住民大會" in await page.content()
    await checked(page, seen)


async def _broadcast(page: Page, seen: list[str]) -> None:
    await nav(page, "群發訊息").click()
    await page.get_by_role("link", name="新增群發").click()
    await page.get_by_label("內容（最多 1000 字）").fill("士林區住民大會 12/20 下午兩點舉行。")
    await page.get_by_label("對象").select_option("district:士林區")
    await page.get_by_label("發送時間（臺北時間，留空為確認後立即發送）").fill(in_two_days())
    await checked(page, seen)
    await page.get_by_role("button", name="預覽").click()
    assert "LINE 訊息用量：2 則" in await page.content()
    await checked(page, seen)
    await page.get_by_role("button", name="確認發送").click()
    await page.get_by_role("button", name="取消尚未發出的部分").click()
    await page.get_by_text("已取消，尚未發出的部分不會再發送。").wait_for()
    assert (await Broadcast.get()).status == "cancelled"
    await checked(page, seen)
    await page.get_by_role("link", name="← 回到群發列表").click()
    await checked(page, seen)


async def test_console_in_headless_chromium(tmp_path: Path) -> None:
    from playwright.async_api import async_playwright

    async with running_bot(tmp_path) as bot:
        refs = await office_with_proposals()
        await office_with_events()
        await some_tickets()
        await news_subscribers()
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"])
            phone = await browser.new_context(viewport=PHONE, bypass_csp=True,  # for axe
                                              is_mobile=True, has_touch=True)
            page = await phone.new_page()
            seen: list[str] = []
            link = await _sign_in(bot, page, seen)
            await _proposal(bot, page, refs, seen)
            await _check_in(bot, page, seen)
            await _ticket(page, seen)
            await _broadcast(page, seen)
            await nav(page, "統計").click()
            await checked(page, seen)
            await shot(page, "console-figures-phone")
            desk = await (await browser.new_context(viewport=DESKTOP, bypass_csp=True)).new_page()
            await desk.goto(str(bot.client.make_url(await link_for())))
            await desk.get_by_role("button", name="登入").click()
            for path in ("/staff/proposals", "/staff/events?when=past", "/staff/figures"):
                await desk.goto(str(bot.client.make_url(path)))
                await checked(desk, seen)
            await shot(desk, "console-figures-desktop")
            await page.get_by_role("button", name="登出").press("Enter")  # by keyboard
            await page.get_by_role("heading", name="您已登出").wait_for()
            await checked(page, seen)
            await page.goto(link)  # the used link
            assert "已經用過" in await page.content()
            await checked(page, seen)
            await page.goto(str(bot.client.make_url("/staff/proposals")))
            assert "請先登入" in await page.content()
            await checked(page, seen)
            await browser.close()
        assert len(seen) >= 19
