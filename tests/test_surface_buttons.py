"""Button staleness by one rule: presses that name what they act on stay valid; presses that
answer the current question expire; a late press never reads a later turn's data."""

from __future__ import annotations

from pathlib import Path

from bot.handlers import features as router
from bot.handlers.features import STATELESS
from bot.storage.models import Feedback, Unanswered
from tests.bot_harness import running_bot
from tests.chat import Chat
from tests.fakes.webhooks import line_body, line_postback_event, line_text_event

USER = "U" + "6" * 32
# Short, vague questions that get suggestions (「您是想問…」) rather than one answer.
VAGUE = ("報名方式", "社區", "課程", "提案", "里長", "公園")


async def _suggestions(chat: Chat) -> None:
    for question in VAGUE:
        await chat.send(question)
        if any(c.label == "都不是" for c in chat.choices):
            return
    raise AssertionError("no vague question got suggestions")


async def test_old_none_of_these_works_like_an_old_more(chat: Chat) -> None:
    await _suggestions(chat)
    none_of_these = next(c.payload for c in chat.choices if c.label == "都不是")
    await chat.send("住民大會是什麼")
    more = next(c.payload for c in chat.choices if c.label == "看更多")
    await chat.send("什麼是i-Voting")  # a later turn: every older button has an old nonce
    assert "已經過期" not in await chat.press_payload(more)
    assert "已經過期" not in await chat.press_payload(none_of_these)
    assert "已記下" in chat.text


async def test_a_late_press_does_not_use_a_later_question(chat: Chat) -> None:
    await chat.send("住民大會是什麼")
    old_down = next(c.payload for c in chat.choices if c.label.startswith("👎"))
    await chat.send("什麼是i-Voting")
    await chat.press_payload(old_down)  # 👎 on the first answer, pressed late
    assert await Feedback.filter(helpful=False).count() == 1
    assert await Unanswered.filter(reason="thumbs_down").count() == 0  # not 「什麼是i-Voting」
    await _suggestions(chat)
    old_none = next(c.payload for c in chat.choices if c.label == "都不是")
    await chat.send("住民大會是什麼")
    down = next(c.payload for c in chat.choices if c.label.startswith("👎"))
    await chat.press_payload(old_none)  # must not drop the fresh answer's question
    await chat.press_payload(down)
    logged = await Unanswered.filter(reason="thumbs_down").first()
    assert logged is not None and logged.text == "住民大會是什麼"


async def test_answers_to_the_current_question_still_expire(chat: Chat) -> None:
    await chat.send("我要提案")
    await chat.send("公園增設遮陽棚")
    old = next(c.payload for c in chat.choices if c.label == "士林區")
    await chat.send("上一步")
    assert "已經過期" in await chat.press_payload(old)
    for action in ("pv", "pb", "ps", "pk", "pr", "pp", "pe", "mydata_confirm"):
        assert action in router.ACTIONS and action not in STATELESS


async def test_late_none_of_these_on_line(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        payload = ""
        for question in VAGUE:
            await bot.post_line(line_body([line_text_event(USER, question)]))
            await bot.line.wait_for(len(bot.line.requests) + 1)
            found = [a["data"] for a in bot.line.actions() if a.get("label") == "都不是"]
            if found:
                payload = found[0]
                break
        assert payload
        await bot.post_line(line_body([line_text_event(USER, "住民大會是什麼")]))
        await bot.line.wait_for(len(bot.line.requests) + 1)
        await bot.post_line(line_body([line_postback_event(USER, payload)]))
        await bot.line.wait_for(len(bot.line.requests) + 1)
        assert "已記下" in bot.line.delivered_texts()[-1]
        assert bot.line.errors == []
