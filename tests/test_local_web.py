"""The local web chat: JSON endpoint, bad input, and the page in a real headless Chromium."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.common.settings import load_settings
from bot.runtime.services import build_services
from bot.runtime.web import build_app
from tests.chat import shared_deps

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


async def _client(tmp_path: Path) -> TestClient:
    settings = load_settings(database_url=f"sqlite://{tmp_path / 'web.sqlite3'}")
    client = TestClient(TestServer(build_app(settings, build_services(settings, shared_deps()))))
    await client.start_server()
    return client


async def test_chat_endpoint_and_bad_input(tmp_path: Path) -> None:
    client = await _client(tmp_path)
    try:
        resp = await client.post("/api/chat", json={"user": "webuser01", "text": "住民大會"})
        data = await resp.json()
        assert resp.status == 200 and "住民大會" in data["replies"][0]["text"]
        assert data["replies"][0]["choices"]
        for bad in ({"text": "hi"}, {"user": "x", "text": "hi"}, {"user": "webuser01"}, [1]):
            assert (await client.post("/api/chat", json=bad)).status == 400
        raw = await client.post("/api/chat", data=b"{not json")
        assert raw.status == 400
        health = await (await client.get("/healthz")).json()
        assert health["ok"] is True
        assert (await client.post("/webhook/line", data=b"{}")).status == 404  # LINE is off
    finally:
        await client.close()


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
async def test_page_in_headless_chromium(tmp_path: Path) -> None:
    from playwright.async_api import async_playwright

    client = await _client(tmp_path)
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"])
            page = await browser.new_page()
            await page.goto(str(client.make_url("/")))
            await page.wait_for_selector(".msg.bot")  # the welcome after the follow event
            await page.fill("#text", "什麼是i-Voting")
            await page.click("#send")
            # Locator waits, not wait_for_function: the page's CSP forbids evaluating strings.
            await page.locator(".msg.bot").nth(1).wait_for()
            last = await page.locator(".msg.bot").last.text_content()
            assert last is not None and "i-Voting" in last
            await page.locator(".choices button", has_text="主選單").last.click()
            await page.locator(".msg.bot").nth(2).wait_for()
            await page.screenshot(path=str(tmp_path / "chat.png"))
            await browser.close()
    finally:
        await client.close()


async def test_a_page_reload_in_the_wizard_continues_where_the_resident_was(
        tmp_path: Path) -> None:
    client = await _client(tmp_path)

    async def say(**body: str) -> str:
        resp = await client.post("/api/chat", json={"user": "webuser02", **body})
        return "\n".join(r.get("text", "") for r in (await resp.json())["replies"])

    try:
        await say(event="follow")
        await say(text="我要提案")
        first = await say(text="巷弄增設路燈改善夜間安全")   # the title: on to the next step
        again = await say(event="follow")                      # the page is reloaded
        assert "歡迎回來" in again and "撰寫構想書" in again
        assert first.splitlines()[-1][:6] in again             # the same step asked again
        answer = await say(text="士林區")                       # typed: that step's answer
        assert answer.startswith("（3/")                       # the wizard went on
    finally:
        await client.close()
