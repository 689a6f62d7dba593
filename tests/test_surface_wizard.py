"""The wizard without snags: honest question counts, 保留, approximate amounts, 略過 as no."""

from __future__ import annotations

import re
from pathlib import Path

from bot.adapters.common import reply_text
from bot.core.types import Card
from bot.storage.models import Proposal
from tests.bot_harness import Bot, running_bot
from tests.chat import Chat
from tests.fakes.webhooks import line_body, line_postback_event, line_text_event
from tests.test_propose import ANSWERS, fill_until_preview

USER = "U" + "5" * 32
PROGRESS = re.compile(r"（(\d+)/(\d+)）")


async def _texts_of_whole_flow(chat: Chat) -> list[str]:
    seen: list[str] = []
    original = chat._turn

    async def recording(**kwargs: str) -> str:
        text = await original(**kwargs)
        seen.append(text)
        return text

    chat._turn = recording  # type: ignore[method-assign]
    await fill_until_preview(chat, contact=True)
    return seen


async def test_the_count_announced_is_the_count_asked(chat: Chat) -> None:
    texts = await _texts_of_whole_flow(chat)
    announced = int(re.search(r"共 (\d+) 題", texts[0]).group(1))  # type: ignore[union-attr]
    assert "再多 2 題" in texts[0]  # the contact follow-ups are announced, not hidden
    numbered = [(int(n), int(total)) for t in texts for n, total in PROGRESS.findall(t)]
    assert [n for n, _ in numbered] == list(range(1, announced + 1))
    assert {total for _, total in numbered} == {announced}  # never (10/11) after 「共 9 題」
    extras = [t for t in texts if "（聯絡方式" in t]
    assert ["1/2" in extras[0], "2/2" in extras[1]] == [True, True]


async def test_keep_the_shown_answer_after_going_back(chat: Chat) -> None:
    await chat.send("我要提案")
    assert not any(c.label == "保留" for c in chat.choices)  # nothing to keep yet
    assert "還沒有填過" in await chat.send("下一步")
    await chat.send(ANSWERS["title"])
    await chat.press("士林區")
    await chat.press("上一步")
    assert "哪一區" in chat.text and "目前填的是：士林區" in chat.text
    labels = [c.label for c in chat.choices]
    assert labels[0] == "保留" and "士林區" not in labels and "上一步" in labels
    assert len(labels) <= 13  # still fits LINE's quick replies with 上一步
    await chat.press("保留")
    assert "里或" in chat.text  # on to the next step
    await chat.send(ANSWERS["place"])
    await chat.press("上一步")
    await chat.press("上一步")
    assert "哪一區" in chat.text
    await chat.send("下一步")  # typed, the same as 保留; walks forward through answered steps
    assert "里或" in chat.text and ANSWERS["place"] in chat.text
    await chat.send("保留")
    assert "哪一類" in chat.text
    row = await Proposal.get()
    assert row.district == "士林區" and row.answers["place"] == ANSWERS["place"]


async def test_keep_after_editing_from_the_preview(chat: Chat) -> None:
    await fill_until_preview(chat, contact=False)
    before = reply_text(chat.replies[-1])
    for field in ("提案名稱", "概估經費", "聯絡方式"):
        await chat.press("修改內容")
        await chat.press(field)
        assert "目前填的是" in chat.text
        await chat.press("保留")
        assert reply_text(chat.replies[-1]) == before  # straight back to the same preview
    await chat.press("修改內容")
    await chat.press("行政區")
    await chat.send("不改")
    assert reply_text(chat.replies[-1]) == before


async def test_approximate_amounts_and_skip_at_the_contact_question(chat: Chat) -> None:
    await chat.send("我想提案")
    for text in (ANSWERS["title"], "北投", ANSWERS["place"], "公園", ANSWERS["problem"],
                 ANSWERS["solution"], ANSWERS["beneficiaries"]):
        await chat.send(text)
    assert "聯絡" in await chat.send("大概八十萬")
    assert (await Proposal.get()).answers["cost"] == 800_000
    await chat.send("略過")  # means no at a yes/no question, never 「必填」
    card = chat.replies[-1]
    assert isinstance(card, Card) and "必填" not in chat.text
    assert (await Proposal.get()).answers["contact"] is False


async def test_no_thanks_words_at_the_contact_question(chat: Chat) -> None:
    for word in ("不用", "不要", "略過"):
        await chat.send("我想提案")
        await chat.press("開始新的提案") if "還沒送出" in chat.text else None
        for text in (ANSWERS["title"], "北投", ANSWERS["place"], "公園", ANSWERS["problem"],
                     ANSWERS["solution"], ANSWERS["beneficiaries"], "差不多五十萬"):
            await chat.send(text)
        await chat.send(word)
        assert isinstance(chat.replies[-1], Card), word
        await chat.send("取消")


async def _line(bot: Bot, kind: str, value: str) -> None:
    before = len(bot.line.requests)
    if kind == "press":
        data = next(a["data"] for a in bot.line.actions() if a.get("label") == value)
        event = line_postback_event(USER, data)
    else:
        event = line_text_event(USER, value)
    assert (await bot.post_line(line_body([event]))).status == 200
    await bot.line.wait_for(before + 1)


async def test_keep_is_a_line_quick_reply(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        for kind, value in (("text", "我要提案"), ("text", ANSWERS["title"]),
                            ("press", "大安區"), ("press", "上一步")):
            await _line(bot, kind, value)
        labels = [a["label"] for a in bot.line.actions()]
        assert labels[0] == "保留" and "大安區" not in labels and "上一步" in labels
        await _line(bot, "press", "保留")
        assert "里或" in bot.line.delivered_texts()[-1]
        assert bot.line.errors == []
