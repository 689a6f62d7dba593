"""What residents get back (through the real dispatcher): answers with related questions, flow
buttons, quoted seed sentences, suggestions that count when picked, honest 'don't know'."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.cli.ask import answer
from bot.cli.report import format_report
from bot.core.buttons import parse
from bot.core.types import Context, Incoming
from bot.handlers.deps import Deps
from bot.handlers.faq import answer as qa
from bot.handlers.features import INTENTS
from bot.nlp.kb import load_faq
from bot.nlp.understander import Understander
from bot.storage.models import Unanswered
from tests.chat import Chat
from tests.nlp.conftest import CONTENT, FIXTURE


def _actions(chat: Chat) -> list[tuple[str, str]]:
    presses = [parse(c.payload) for c in chat.choices]
    return [(p.action, p.arg) for p in presses if p is not None]


async def test_an_answer_offers_two_related_questions(chat: Chat) -> None:
    text = await chat.send("住民大會要做什麼")
    assert "住民大會" in text and "資料來源" in text
    related = [arg for action, arg in _actions(chat) if action == "faq"]
    assert len(related) == 2 and chat.meta["faq_id"] not in related
    await chat.press(chat.choices[0].label)        # a related question answers at once
    assert chat.meta["intent"] == "faq" and chat.meta["faq_id"] == related[0]


async def test_how_to_propose_carries_a_button_that_starts_the_wizard(chat: Chat) -> None:
    text = await chat.send("我要怎麼提案")
    assert chat.meta["faq_id"] == "process-how-to-propose" and "輸入「我要提案」" not in text
    assert ("flow", "propose") in _actions(chat)
    await chat.press("我要提案")
    assert chat.meta["intent"] == "propose" and "寫構想書" in chat.text


async def test_numbers_read_the_taiwanese_way(chat: Chat) -> None:
    text = await chat.send("i-Voting投票人數")
    assert "57,486人" in text and "5 萬" not in text and "（57,486 人）" not in text


async def test_a_picked_suggestion_counts_as_answered(chat: Chat) -> None:
    await chat.send("報名方式")
    assert chat.meta["intent"] == "unknown" and len(chat.meta["suggestions"]) == 3
    picked = chat.meta["suggestions"][0]
    await chat.press(chat.choices[0].label)
    assert chat.meta["faq_id"] == picked
    rows = await Unanswered.all().values_list("text", "reason")
    assert sorted(reason for _, reason in rows) == ["picked", "suggested"]
    report = format_report(list(rows), [], 10)
    assert report[0].startswith("Unanswered or unhelpful questions: 0")
    assert "Answered through a suggestion: 1" in "\n".join(report)


async def test_an_old_suggestion_still_answers_but_is_not_logged(chat: Chat) -> None:
    await chat.send("報名方式")
    old = chat.choices[0].payload
    await chat.send("住民大會要做什麼")
    await chat.press_payload(old)
    assert chat.meta["intent"] == "faq"
    assert not await Unanswered.filter(reason="picked").exists()


async def test_dont_know_offers_a_person(chat: Chat) -> None:
    text = await chat.send("今天股市如何")
    assert "抱歉" in text and "1999" in text and chat.meta.get("faq_id") is None
    assert ("handoff", "") in _actions(chat)  # 「找志工」, the hand-off flow's button
    await chat.press("找志工")
    assert chat.meta["intent"] == "handoff" and "志工" in chat.text


async def test_city_services_point_to_1999(chat: Chat) -> None:
    text = await chat.send("我家門口的路燈壞了")
    assert "1999" in text and "提案" in text and chat.meta["service"] == "streetlight"
    assert ("flow", "propose") in _actions(chat)
    text = await chat.send("垃圾車幾點會到我家這邊")
    assert "1999" in text and ("flow", "propose") not in _actions(chat)


async def test_news_and_ivoting_dates_answer_honestly(chat: Chat) -> None:
    text = await chat.send("訂閱士林區活動通知")
    assert (chat.meta["intent"], chat.meta["action"]) == ("news", "subscribe")
    assert "已訂閱士林區" in text
    text = await chat.send("i-Voting 什麼時候")
    assert (chat.meta["intent"], chat.meta["action"]) == ("ivoting", "when")
    assert "目前沒有排定的投票" in text and "pb.taipei" in text


async def test_ask_json_reports_the_action(deps: Deps) -> None:
    deps = Deps(content=deps.content, nlp=deps.nlp)  # as `run.py ask` builds them: no database
    got = await answer(deps, "取消士林區的通知")
    assert (got["intent"], got["action"], got["faq_id"]) == ("news", "unsubscribe", None)
    got = await answer(deps, "住民大會要做什麼")
    assert got["faq_id"] and got["action"] is None and got["suggestions"] == []


async def test_a_seed_sentence_answers_when_no_entry_does(deps: Deps) -> None:
    # A knowledge base without GO SMART entries, with the real seed texts: the sentence net.
    nlp = Understander.from_parts(load_faq(FIXTURE), CONTENT)
    nlp.config = replace(nlp.config, passage_threshold=0.3)
    here = replace(deps, nlp=nlp)
    msg = Incoming(platform="local", chat_id="u", user_id="u", text="GO SMART成立大會有多少人出席")
    turn = await qa.answer_text(msg, Context(), here)
    text = turn.replies[0].text if turn.replies else ""
    assert text.startswith("根據《臺北市自願檢視報告》：") and "180人" in text
    assert str(turn.meta["faq_id"]).startswith("seed:vlr:")


def test_flow_buttons_name_a_flow_the_router_knows() -> None:
    starts = {e.start for e in load_faq(Path(CONTENT)) if e.start}
    assert starts and all(s.partition("/")[0] in INTENTS for s in starts)
