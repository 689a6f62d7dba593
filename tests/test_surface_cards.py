"""Cards where they read better: the FAQ answer, the proposal preview and 「我的提案」 as LINE
Flex bubbles (checked against the spec, readable and high-contrast), text elsewhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.adapters.line_render import render
from bot.core.types import Card, Carousel
from tests.bot_harness import Bot, running_bot
from tests.chat import Chat
from tests.contrast import ratio
from tests.fakes.line_api import message_text
from tests.fakes.webhooks import (
    line_body,
    line_postback_event,
    line_text_event,
    telegram_message_update,
)
from tests.test_propose import fill_until_preview
from tests.test_propose_platforms import STEPS

USER = "U" + "7" * 32
WHITE = "#ffffff"


async def _line(bot: Bot, kind: str, value: str) -> list[dict[str, Any]]:
    """One LINE turn; the messages of the request it caused."""
    before = len(bot.line.requests)
    if kind == "press":
        data = next(a["data"] for a in bot.line.actions() if value in a.get("label", ""))
        event = line_postback_event(USER, data)
    else:
        event = line_text_event(USER, value)
    assert (await bot.post_line(line_body([event]))).status == 200
    await bot.line.wait_for(before + 1)
    return list(bot.line.requests[-1].json["messages"])


def _components(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        own = [node] if "type" in node else []
        return own + [c for v in node.values() for c in _components(v)]
    if isinstance(node, list):
        return [c for item in node for c in _components(item)]
    return []


async def test_a_faq_answer_is_a_card_on_line_and_text_on_telegram(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        [message] = await _line(bot, "text", "住民大會是什麼")
        assert message["type"] == "flex" and "住民大會" in message["altText"]
        texts = message_text(message).splitlines()
        assert "住民大會" in texts[0]  # the question as the title
        assert any("資料來源" in t for t in texts[1:])  # the source as the footer line
        labels = [a["label"] for a in bot.line.actions()]
        assert {"👍 有幫助", "👎 沒幫助", "主選單"} <= set(labels)
        assert bot.line.errors == []
        await bot.post_telegram(telegram_message_update(1, 42, 42, "住民大會是什麼"))
        await bot.settle()
        sent = [c for c in bot.telegram.calls if c.method == "sendMessage"][-1]
        assert sent.params["text"].startswith("【") and "資料來源" in sent.params["text"]
        keyboard = sent.params["reply_markup"]["inline_keyboard"]
        assert any(row[0]["text"] == "👍 有幫助" for row in keyboard)
        assert bot.telegram.errors == []


async def test_preview_and_my_proposals_are_cards_on_line(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        for kind, value in STEPS[:-1]:
            messages = await _line(bot, kind, value)
        preview = messages[-1]
        assert preview["type"] == "flex" and preview["altText"] == "構想書預覽"
        rows = [c for c in _components(preview["contents"]) if c.get("layout") == "baseline"]
        assert any("行政區" in message_text({"type": "flex", "contents": r}) for r in rows)
        footer = preview["contents"]["footer"]["contents"]
        assert footer[0]["action"]["label"] == "送出提案" and footer[0]["style"] == "primary"
        await _line(bot, "press", "送出提案")
        await _line(bot, "text", "我要提案")
        await _line(bot, "text", "第二個提案還沒寫完")
        [listing] = await _line(bot, "text", "我的提案")
        assert listing["type"] == "flex" and listing["contents"]["type"] == "carousel"
        bubbles = listing["contents"]["contents"]
        assert len(bubbles) == 2  # one card per proposal, the newest first
        draft, sent = (message_text({"type": "flex", "contents": b}) for b in bubbles)
        assert "第二個提案還沒寫完" in draft and "草稿" in draft
        assert "已送出" in sent and "編號" in sent
        actions = bot.line.actions()
        assert any(a["type"] == "uri" and "/p/" in a["uri"] for a in actions)  # printable
        assert any(a.get("label", "").startswith("繼續") for a in actions)  # the draft's button
        quick = [i["action"]["label"] for i in listing["quickReply"]["items"]]
        assert quick == ["開始新的提案", "主選單"]  # follow-up choices stay quick replies
        assert bot.line.errors == []


async def test_my_proposals_elsewhere_is_numbered_text(chat: Chat) -> None:
    await fill_until_preview(chat, contact=False)
    await chat.press("送出提案")
    await chat.send("我的提案")
    [reply] = chat.replies
    assert isinstance(reply, Carousel) and len(reply.cards) == 1
    assert "1. 巷弄增設路燈" in chat.text and "狀態：已送出" in chat.text
    assert "可列印的構想書：http" in chat.text


def test_every_colour_in_a_bubble_reads_at_4_5_to_1() -> None:
    cards = [Card("標題", "內文", footer="（資料來源：測試，2019）", url="https://x.org",
                  fields=(("欄位", "值"),)),
             Card("只有連結", "", url="https://example.org/p/abc")]
    for message in render(cards):
        for node in _components(message["contents"]):
            if node.get("type") == "text" and "color" in node:
                assert ratio(node["color"], WHITE) >= 4.5, node
            if node.get("type") == "button" and node.get("style") == "primary":
                assert ratio(node["color"], WHITE) >= 4.5, node
            if node.get("type") == "text" and node.get("size") in ("xxs", "xs"):
                raise AssertionError(f"text too small to read: {node}")


async def test_the_web_chat_gets_cards_with_their_own_buttons(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        resp = await bot.client.post("/api/chat", json={"user": "webcards01",
                                                         "text": "住民大會是什麼"})
        [reply] = (await resp.json())["replies"]
        assert "住民大會" in reply["text"] and reply["choices"]  # plain clients still work
        [card] = reply["cards"]
        assert "住民大會" in card["title"] and "資料來源" in card["footer"]
        assert [c["label"] for c in card["choices"]] == [c["label"] for c in reply["choices"]]
        assert reply["after"] == []
        page = await bot.client.get("/")
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        for path, kind in (("/chat.js", "application/javascript"), ("/chat.css", "text/css")):
            asset = await bot.client.get(path)
            assert asset.status == 200 and asset.content_type == kind
