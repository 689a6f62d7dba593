"""Understanding on a small fixture FAQ: ranking of tricky pairs, confidence, odd input."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlp.config import NlpConfig
from bot.nlp.kb import FaqEntry
from bot.nlp.retriever import Ranked, Search
from bot.nlp.understander import Understander, Understanding, decide


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
    ("區公所諮詢櫃台可以幫忙什麼", "counter-services"),
    ("住民大会要做什么", "assembly-what"),
])
def test_answers_with_high_confidence(nlp: Understander, text: str, faq_id: str) -> None:
    u = nlp.understand(text)
    assert (u.intent, u.confidence, _best(u)) == ("faq", "high", faq_id)
    assert u.matches[0].score >= nlp.config.clear_threshold


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
    assert (u.intent, u.confidence) == ("unknown", "low")


def test_coverage_gates_partial_overlap(nlp: Understander) -> None:
    query = nlp.retriever.analyse(nlp.normalizer("台北今天天氣如何"))
    assert nlp.retriever.coverage(query) < nlp.config.min_coverage
    known = nlp.retriever.analyse(nlp.normalizer("請問住民大會要做什麼呢"))
    assert nlp.retriever.coverage(known) == 1.0


def test_medium_offers_several(nlp: Understander) -> None:
    u = nlp.understand("i-Voting")  # the definition and the figures both fit
    assert u.intent == "faq" and u.confidence in ("medium", "high")
    assert {m.faq_id for m in u.matches} >= {"ivoting-what", "ivoting-figures"}
    assert [m.score for m in u.matches] == sorted((m.score for m in u.matches), reverse=True)


def test_confidence_rules() -> None:
    cfg = NlpConfig(answer_threshold=0.6, margin=0.02, clear_threshold=0.45,
                    clear_margin=0.1, suggest_threshold=0.35, min_coverage=0.5)

    def level(*scores: float, coverage: float = 1.0) -> str:
        ranked = tuple(Ranked(i, s) for i, s in enumerate(scores))
        return decide(Search(ranked, coverage), cfg)

    assert level(0.7, 0.5) == "high"
    assert level(0.7, 0.69) == "medium"          # a near tie: let the user pick
    assert level(0.5, 0.3) == "high"             # a clear winner
    assert level(0.5, 0.45) == "medium"
    assert level(0.36) == "medium"
    assert level(0.3) == "low"
    assert level(0.9, coverage=0.2) == "low"     # mostly unknown words
    assert level() == "low"


@pytest.mark.parametrize("text", ["", "   ", "😀😀😀", "？？！！", "\n\t"])
def test_empty_or_symbols_are_unknown(nlp: Understander, text: str) -> None:
    u = nlp.understand(text)
    assert (u.intent, u.confidence, u.matches) == ("unknown", "low", ())


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


def test_config_rejects_unknown_settings(tmp_path: Path) -> None:
    path = tmp_path / "nlp.yaml"
    path.write_text("answer_threshold: 0.5\nanswer_treshold: 0.6\n", encoding="utf-8")
    with pytest.raises(ValueError, match="answer_treshold"):
        NlpConfig.from_yaml(path)
    path.write_text("answer_threshold: 0.5\n", encoding="utf-8")
    assert NlpConfig.from_yaml(path).answer_threshold == 0.5


def test_a_bare_name_is_not_english(nlp: Understander, real_nlp: Understander) -> None:
    def real_lang(text: str) -> str:
        return real_nlp.understand(text).lang

    assert nlp.understand("i-Voting").lang == "zh"
    assert nlp.understand("i-Voting?").lang == "zh"
    assert nlp.understand("what is i-voting").lang == "en"
    assert nlp.understand("participatory budgeting").lang == "en"
    assert real_lang("participatory budgeting") == "en" and real_lang("PoC") == "zh"
