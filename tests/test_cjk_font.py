"""The browser the web chat tests use draws Chinese with a real CJK font, not tofu boxes
(scripts/test.sh installs fonts-noto-cjk next to Debian's chromium)."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TEXT = "參與式預算"
PAGE = f"""<!doctype html><html lang="zh-TW"><body>
<p id="zh" style="font: 32px sans-serif">{TEXT}</p>
<canvas id="c" width="64" height="64"></canvas></body></html>"""
# Pixels of one character drawn on a canvas in the page's default CJK face.
GLYPH = """(ch) => {
  const c = document.getElementById('c'), g = c.getContext('2d');
  g.clearRect(0, 0, 64, 64); g.font = '48px sans-serif'; g.fillStyle = '#000';
  g.fillText(ch, 4, 52);
  return Array.from(g.getImageData(0, 0, 64, 64).data.filter((_, i) => i % 4 === 3)).join(',');
}"""


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                    "(scripts/test.sh installs it with fonts-noto-cjk)")
async def test_chromium_renders_chinese_with_a_cjk_font() -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            page = await browser.new_page()
            await page.set_content(PAGE)
            fonts = await _platform_fonts(page, "#zh")
            glyphs = {ch: await page.evaluate(GLYPH, ch) for ch in ("參", "與", "\ue000")}
        finally:
            await browser.close()
    cjk = [f for f in fonts if "CJK" in f["familyName"]]
    assert cjk and sum(f["glyphCount"] for f in cjk) == len(TEXT), (
        f"Chinese is drawn with {fonts}: install fonts-noto-cjk (scripts/test.sh does)")
    # Tofu draws every missing character as the same box: real glyphs differ from each other
    # and from the box of a character no font has (a private-use code point).
    assert glyphs["參"] != glyphs["與"] and glyphs["參"] != glyphs["\ue000"]


async def _platform_fonts(page: Any, selector: str) -> list[dict[str, Any]]:
    """The fonts Chromium actually used for a node's text (DevTools protocol)."""
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("DOM.enable")
    await cdp.send("CSS.enable")
    root = await cdp.send("DOM.getDocument")
    node = await cdp.send("DOM.querySelector", {"nodeId": root["root"]["nodeId"],
                                                "selector": selector})
    found = await cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
    return list(found["fonts"])
