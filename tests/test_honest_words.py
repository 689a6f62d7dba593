"""Honest words: a resident whose district office has no staff chat yet is told the proposal is
queued (not that it reached a clerk), and told again when it actually does."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.adapters.common import reply_text
from bot.handlers.deps import Deps
from bot.handlers.propose.notice import resend_backlog
from bot.storage.models import Proposal
from bot.storage.proposals import staff
from tests.bot_harness import running_bot
from tests.chat import Chat
from tests.staff_harness import DISTRICT, GROUP, run_jobs, services_of, set_up_office
from tests.test_staff import _wizard


def _delivered(resident: str, services: object) -> list[str]:
    outbox = services.local  # type: ignore[attr-defined]
    return [reply_text(r) for r in outbox.take(resident)]


async def test_queued_then_told_when_the_office_gets_it(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        services = services_of(bot)
        await set_up_office(chat=False)
        resident = Chat(services.dispatcher, user="resident21")
        await _wizard(resident)
        assert "排隊" in resident.text and "已送到" not in resident.text
        ref = str((await Proposal.get(user_id="resident21")).ref)
        await run_jobs(bot)
        assert bot.telegram.sent_texts(GROUP) == []  # nothing went anywhere yet ...
        assert _delivered("resident21", services) == []  # ... and nobody claims it did
        await staff.set_chat(DISTRICT, "telegram", str(GROUP))  # `run.py staff chat`
        assert await resend_backlog(DISTRICT) == 1
        await run_jobs(bot)
        assert any(ref in t for t in bot.telegram.sent_texts(GROUP))
        told = _delivered("resident21", services)
        assert len(told) == 1 and ref in told[0] and "已送到" in told[0]
        await run_jobs(bot)
        assert _delivered("resident21", services) == []  # told once


async def test_a_chat_set_before_the_notice_runs_still_tells_the_resident(tmp_path: Path
                                                                          ) -> None:
    async with running_bot(tmp_path) as bot:
        services = services_of(bot)
        await set_up_office(chat=False)
        resident = Chat(services.dispatcher, user="resident22")
        await _wizard(resident)
        assert "排隊" in resident.text
        await staff.set_chat(DISTRICT, "telegram", str(GROUP))
        await run_jobs(bot)
        ref = str((await Proposal.get(user_id="resident22")).ref)
        assert any(ref in t for t in bot.telegram.sent_texts(GROUP))
        assert any(ref in t for t in _delivered("resident22", services))


async def test_with_a_staff_chat_it_says_sent_and_nothing_more(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        services = services_of(bot)
        await set_up_office()
        resident = Chat(services.dispatcher, user="resident23")
        await _wizard(resident)
        assert "已送到" in resident.text and "排隊" not in resident.text
        await run_jobs(bot)
        assert len(bot.telegram.sent_texts(GROUP)) == 1
        assert _delivered("resident23", services) == []


async def test_a_fact_the_sources_lack_gets_a_caveat_and_the_entry_as_a_button(
        chat: Chat) -> None:
    text = await chat.send("社子大橋的偵測系統是哪一家廠商做的")
    assert "沒有提到" in text and "廠商" in text
    assert chat.meta["intent"] == "unknown" and chat.meta.get("faq_id") is None
    assert any("社子大橋" in c.label for c in chat.choices)
    await chat.press(next(c.label for c in chat.choices if "社子大橋" in c.label))
    assert "法國" in chat.text


@pytest.mark.parametrize(("question", "said"), [
    ("住民大會之後要幹嘛", ["提案審議工作坊", "第三"]),
    ("i-Voting之前是什麼階段", ["提案審議工作坊"]),
    ("說明會完就直接投票嗎", ["不是直接", "住民大會", "提案審議工作坊"]),
    ("審議員培訓前面要先上什麼", ["進階課程"]),
    ("提案說明會要花多久", ["沒有寫", "pb.taipei"]),
    ("what comes before the workshop", ["residents' assembly"]),
])
async def test_step_questions_are_answered_from_the_process_data(
        chat: Chat, question: str, said: list[str]) -> None:
    text = await chat.send(question)
    assert all(s in text for s in said), text
    assert "→" in text and str(chat.meta["faq_id"]).startswith("step:")
    assert len(chat.choices) >= 2   # the step's entry, and the menu


async def test_the_unknown_answer_names_the_button_it_shows(chat: Chat) -> None:
    text = await chat.send("asdf qwer zxcv 火星移民")
    labels = [c.label for c in chat.choices]
    named = [label for label in labels if f"「{label}」" in text]
    assert "找志工" in labels and named == ["找志工"]


@pytest.mark.parametrize("insult", ["你很爛欸", "笨機器人", "you are useless"])
async def test_an_insult_gets_a_short_kind_answer(chat: Chat, insult: str) -> None:
    text = await chat.send(insult)
    assert chat.meta["intent"] == "insult" and "1999" not in text and len(text) < 120
    assert any(c.label in ("找志工", "Ask a volunteer") for c in chat.choices)


@pytest.mark.parametrize("emoji", ["😀😀", "👍", "🙏🙏🙏", "??"])
async def test_emoji_alone_gets_a_friendly_prompt(chat: Chat, emoji: str) -> None:
    text = await chat.send(emoji)
    assert chat.meta["kind"] == "emoji" and "打字問我" in text and "1999" not in text
    assert chat.meta["intent"] == "unknown"   # nothing asked, nothing claimed as answered


async def test_a_follow_up_is_read_with_the_last_topic(chat: Chat) -> None:
    await chat.send("參與式預算課程有哪幾種")
    await chat.send("那第二階段呢")
    assert "進階課程" in chat.text and "住民大會" not in chat.text.split("（")[0]
    await chat.send("住民大會之後是什麼")
    await chat.send("那之後呢")   # after the workshop the last answer was about
    assert "i-Voting" in chat.text.split("\n")[0]


async def test_a_follow_up_about_cost_after_walks(chat: Chat) -> None:
    await chat.send("走讀文化節是什麼")
    assert chat.meta["faq_id"] == "walk-what"
    await chat.send("那這個要錢嗎")
    assert str(chat.meta["faq_id"]).startswith("walk-")
    await chat.send("參與式預算課程怎麼報名")
    await chat.send("那這個要錢嗎")
    assert str(chat.meta["faq_id"]).startswith("course-")


async def test_the_last_topic_lives_in_the_stored_conversation(sqlite_db: str, deps: Deps) -> None:
    from bot.runtime.dispatcher import Dispatcher
    await Chat(Dispatcher(deps), user="topic01").send("參與式預算課程有哪幾種")
    again = Chat(Dispatcher(deps), user="topic01")   # a new dispatcher: only the DB remembers
    await again.send("那第二階段呢")
    assert "進階課程" in again.text


async def test_a_keyboard_mash_keeps_the_conversations_language(chat: Chat) -> None:
    await chat.send("什麼是i-Voting")
    text = await chat.send("asdfghjkl;;")
    assert "抱歉" in text and "Sorry" not in text
    labels = [c.label for c in chat.choices]
    assert "找志工" in labels and "Ask a volunteer" not in labels   # the menu stays Chinese
    assert "Sorry" in await chat.send("what is this thing about, I do not understand")
