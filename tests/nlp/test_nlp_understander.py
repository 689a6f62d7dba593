"""Understanding on a small fixture FAQ: ranking of tricky pairs, confidence, odd input."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlp.analyse import Query
from bot.nlp.confidence import Model
from bot.nlp.config import NlpConfig
from bot.nlp.index import Features, Hit
from bot.nlp.kb import FaqEntry
from bot.nlp.retriever import Search
from bot.nlp.understander import Signals, Understander, Understanding, decide


def _best(u: Understanding) -> str | None:
    return u.matches[0].faq_id if u.matches else None


@pytest.mark.parametrize(("text", "faq_id"), [
    ("什麼是參與式預算？", "pb-what"),
    ("参与式预算是什么", "pb-what"),            # Simplified
    ("參與試預算是甚麼", "pb-what"),            # typo + variant character
    ("參預是啥", "pb-what"),                    # shorthand
    ("What is participatory budgeting?", "pb-what"),
    ("什麼是i-Voting", "ivoting-what"),
    ("ivoting 是什麼", "ivoting-what"),
    ("i-Voting投票人數", "ivoting-figures"),    # figures, not what it is
    ("有多少人參加i voting", "ivoting-figures"),
    ("有哪些參與式預算課程", "course-list"),
    ("住民大会要做什么", "assembly-what"),
])
def test_answers_with_high_confidence(nlp: Understander, text: str, faq_id: str) -> None:
    u = nlp.understand(text)
    assert (u.intent, u.confidence, _best(u)) == ("faq", "high", faq_id)


def test_figures_outrank_the_definition(nlp: Understander) -> None:
    scores = {m.faq_id: m.score for m in nlp.understand("i-Voting投票人數").matches}
    assert scores["ivoting-figures"] > scores.get("ivoting-what", 0.0) + 0.05


def test_registering_is_an_intent_but_courses_are_faq(nlp: Understander) -> None:
    register = nlp.understand("報名初階課程")
    assert (register.intent, register.action, register.matches) == ("register", "course", ())
    courses = nlp.understand("有哪些參與式預算課程")
    assert (courses.intent, _best(courses)) == ("faq", "course-list")


def test_reminders_are_an_intent_but_figures_are_faq(nlp: Understander) -> None:
    assert nlp.understand("i-Voting 提醒我").intent == "ivoting"
    assert nlp.understand("取消投票提醒").action == "unsubscribe"
    assert nlp.understand("i-Voting投票人數").intent == "faq"


@pytest.mark.parametrize("text", [
    "今天股市如何", "健保卡遺失怎麼辦", "qwertyuiop", "明天會下雨嗎",
    "中華隊昨天贏了嗎", "what is the weather like today", "推薦好吃的牛肉麵",
])
def test_off_topic_is_low(nlp: Understander, text: str) -> None:
    u = nlp.understand(text)
    assert (u.intent, u.confidence, u.passage) == ("unknown", "low", None)


def test_coverage_counts_unknown_words(nlp: Understander) -> None:
    analyse, coverage = nlp.analyser.analyse, nlp.analyser.coverage
    assert coverage(analyse("台北今天天氣如何")) < 0.5
    assert coverage(analyse("請問住民大會要做什麼呢")) == 1.0


def test_several_matches_best_first(nlp: Understander) -> None:
    u = nlp.understand("i-Voting")  # the definition and the figures both fit
    assert {m.faq_id for m in u.matches} >= {"ivoting-what", "ivoting-figures"}
    assert [m.score for m in u.matches] == sorted((m.score for m in u.matches), reverse=True)


def _signals(*scores: float, coverage: float = 1.0, request: int = 0) -> Signals:
    query = Query("text", ("word",), {"word": 1.0}, frozenset({"wo"}), ())
    hits = tuple(Hit(i, s, Features(s, s, s, s, s, s)) for i, s in enumerate(scores))
    return Signals("text", "zh", None, query, Search(hits, coverage), request, passages=())


def test_decision_follows_the_answer_model(nlp: Understander) -> None:
    cfg = NlpConfig(answer_model=Model(-5.0, {"score": 10.0, "coverage": 0.0}),
                    answer_threshold=0.5, suggest_threshold=0.1,
                    passage_model=Model(-99.0), passage_threshold=0.5)

    def level(*scores: float) -> str:
        return decide(_signals(*scores), cfg, nlp).confidence

    assert level(0.9, 0.2) == "high"        # p = 0.98
    assert level(0.4, 0.3) == "medium"      # p = 0.27: suggest
    assert level(0.2) == "low"              # p = 0.05
    assert level() == "low"
    assert decide(_signals(0.2), cfg, nlp).intent == "unknown"


def test_a_request_does_not_make_a_question_an_answer(nlp: Understander) -> None:
    cfg = NlpConfig(answer_model=Model(-5.0, {"score": 10.0, "request": -6.0}),
                    answer_threshold=0.5, passage_model=Model(-99.0))
    assert decide(_signals(0.8), cfg, nlp).confidence == "high"
    assert decide(_signals(0.8, request=1), cfg, nlp).confidence != "high"


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_is_unknown(nlp: Understander, text: str) -> None:
    u = nlp.understand(text)
    assert (u.intent, u.confidence, u.matches) == ("unknown", "low", ())


@pytest.mark.parametrize("text", ["😀😀😀", "？？！！", "🙏"])
def test_emoji_or_marks_alone_ask_for_a_friendly_prompt(nlp: Understander, text: str) -> None:
    u = nlp.understand(text)
    assert (u.intent, u.confidence, u.matches) == ("emoji", "low", ())


def test_over_long_input_is_cut_not_an_error(nlp: Understander) -> None:
    text = "住民大會是什麼" + "啊" * 5000 + "i-Voting投票人數"
    u = nlp.understand(text)
    assert _best(u) == "assembly-what"   # the tail beyond max_chars is not read


def test_language_is_reported(nlp: Understander) -> None:
    assert nlp.understand("What is i-Voting?").lang == "en"
    assert nlp.understand("什麼是i-Voting").lang == "zh"
    assert _best(nlp.understand("What is i-Voting?")) == "ivoting-what"


def test_at_most_three_matches_and_deterministic(nlp: Understander) -> None:
    first = nlp.understand("參與式預算")
    assert len(first.matches) <= 3
    assert all(0.0 <= m.score <= 1.0 for m in first.matches)
    assert nlp.understand("參與式預算") == first


def test_entries_and_entry(nlp: Understander) -> None:
    assert [e.id for e in nlp.entries][:2] == ["pb-what", "ivoting-what"]
    assert isinstance(nlp.entry("course-list"), FaqEntry)
    with pytest.raises(KeyError):
        nlp.entry("no-such-entry")


def test_config_rejects_unknown_or_malformed_settings(tmp_path: Path) -> None:
    path = tmp_path / "nlp.yaml"
    path.write_text("answer_threshold: 0.5\nanswer_treshold: 0.6\n", encoding="utf-8")
    with pytest.raises(ValueError, match="answer_treshold"):
        NlpConfig.from_yaml(path)
    path.write_text("faq_weights: {recall: 1, typo: 2}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="faq_weights"):
        NlpConfig.from_yaml(path)
    path.write_text("answer_model: {bias: x}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="answer_model"):
        NlpConfig.from_yaml(path)
    path.write_text("answer_threshold: 0.5\nfaq_weights: {cover: 2}\n", encoding="utf-8")
    cfg = NlpConfig.from_yaml(path)
    assert (cfg.answer_threshold, cfg.faq_weights.cover) == (0.5, 2.0)


def test_a_bare_name_is_not_english(nlp: Understander, real_nlp: Understander) -> None:
    def real_lang(text: str) -> str:
        return real_nlp.understand(text).lang

    assert nlp.understand("i-Voting").lang == "zh"
    assert nlp.understand("i-Voting?").lang == "zh"
    assert nlp.understand("what is i-voting").lang == "en"
    assert nlp.understand("participatory budgeting").lang == "en"
    assert real_lang("participatory budgeting") == "en" and real_lang("PoC") == "zh"
