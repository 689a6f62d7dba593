"""The words residents see: help, 常見問題, the console's number hint, the printable page's 404."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.bot_harness import running_bot
from tests.chat import Chat
from tests.fakes.webhooks import line_body, line_text_event

ROOT = Path(__file__).resolve().parent.parent
USER = "U" + "8" * 32


async def test_help_tells_how_to_propose_and_follow_proposals(chat: Chat) -> None:
    text = await chat.send("使用說明")
    assert "我要提案" in text and "我的提案" in text
    assert "propose" in await chat.send("help")


async def test_faq_topics_by_typing_their_name(chat: Chat) -> None:
    await chat.send("常見問題")
    assert "主題" in chat.text and chat.meta["intent"] == "topics"
    labels = [c.label for c in chat.choices]
    assert len(labels) >= 3
    await chat.press(labels[0])
    assert "常見問題" in chat.text  # the topic's questions


async def test_printable_page_404_is_a_zh_tw_page(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        for token in ("not-a-real-token-at-all", "%3Cscript%3E", "short"):
            resp = await bot.client.get(f"/p/{token}")
            page = await resp.text()
            assert resp.status == 404 and resp.content_type == "text/html"
            assert '<html lang="zh-Hant-TW">' in page and "找不到這份構想書" in page
            assert "我的提案" in page and "Not found" not in page
            assert "<script>" not in page


def test_console_says_to_type_the_number(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path / 'console.sqlite3'}"}
    proc = subprocess.run([sys.executable, "run.py", "chat"], cwd=ROOT, text=True,
                          input="我要提案\n公園增設遮陽棚\n1\nexit\n", capture_output=True,
                          timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "請點選" not in out and "請選擇行政區" in out
    assert "輸入前面的數字" in out
    assert "（3/9）" in out and "里或" in out  # 「1」 chose 松山區 and went on


async def test_line_faq_topics_from_the_typed_words(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await bot.post_line(line_body([line_text_event(USER, "常見問題")]))
        await bot.line.wait_for(1)
        assert "主題" in bot.line.delivered_texts()[-1]
        assert len(bot.line.actions()) >= 3 and bot.line.errors == []
