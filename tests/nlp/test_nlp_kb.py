"""Loading FAQ files and `validate_faq`: one test per kind of problem."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from bot.nlp.checks import validate_faq
from bot.nlp.kb import FaqEntry, load_faq, load_file
from tests.nlp.conftest import CONTENT, FIXTURE

TOPICS = {"pb", "process"}
GOOD = """\
- id: a-one
  topic: pb
  questions: [什麼是甲, 甲是什麼意思, 甲是啥]
  answer: 甲是一種制度。
  source: {doc: 測試, year: 2019}
  tags: [甲]
  related: [b-two]
- id: b-two
  topic: process
  questions: [什麼是乙, 乙是什麼意思, 乙是啥]
  answer: 乙是一個階段。
  source: {doc: 測試, year: 2019}
  related: [a-one]
"""


def _entries(tmp_path: Path, text: str) -> list[FaqEntry]:
    folder = tmp_path / "faq"
    folder.mkdir(exist_ok=True)
    (folder / "x.yaml").write_text(text, encoding="utf-8")
    (folder / "topics.yaml").write_text("pb: {zh: 甲}\n", encoding="utf-8")  # never an entry
    return load_faq(tmp_path)


def _errors(entries: list[FaqEntry]) -> list[str]:
    return validate_faq(entries, TOPICS)


def test_fixture_loads_and_is_clean() -> None:
    entries = load_faq(FIXTURE)
    assert len(entries) == 6
    first = entries[0]
    assert (first.id, first.topic, first.questions[0]) == ("pb-what", "pb", "什麼是參與式預算")
    assert first.source["year"] == 2019 and first.related == ("ivoting-what",)
    assert entries[2].as_of == 2017
    assert _errors(entries) == []


def test_good_file_is_clean(tmp_path: Path) -> None:
    entries = _entries(tmp_path, GOOD)
    assert [e.id for e in entries] == ["a-one", "b-two"]
    assert entries[0].origin == "x.yaml #1"
    assert _errors(entries) == []


def test_schema_and_types(tmp_path: Path) -> None:
    text = GOOD.replace("  answer: 甲是一種制度。\n", "  answer: 42\n  colour: red\n") \
               .replace("  source: {doc: 測試, year: 2019}\n  related: [a-one]",
                        "  related: [a-one]")
    errors = _errors(_entries(tmp_path, text))
    assert any("a-one" in e and "answer should be text" in e for e in errors)
    assert any("a-one" in e and "unknown field 'colour'" in e for e in errors)
    assert any("b-two" in e and "missing field 'source'" in e for e in errors)


def test_tags_may_be_numbers_and_dates_become_text(tmp_path: Path) -> None:
    text = GOOD.replace("tags: [甲]", "tags: [甲, 2018, 17.13]\n  as_of: 2019-06-19")
    entry = _entries(tmp_path, text)[0]
    assert entry.tags == ("甲", "2018", "17.13") and entry.as_of == "2019-06-19"
    assert _errors([entry, _entries(tmp_path, GOOD)[1]]) == []


def test_a_broken_file_names_itself(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("- id: x\n  questions: [a, b\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.yaml"):
        load_file(path)
    path.write_text("id: x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected a list"):
        load_file(path)


def test_duplicate_ids(tmp_path: Path) -> None:
    entries = _entries(tmp_path, GOOD)
    twin = replace(entries[1], id="a-one", questions=("丙", "丙是什麼", "丙是啥"))
    assert any("duplicate id 'a-one'" in e for e in _errors([*entries, twin]))


def test_duplicate_phrasings_after_normalisation(tmp_path: Path) -> None:
    entries = _entries(tmp_path, GOOD)
    # same question in Simplified, full-width punctuation: still the same question
    clash = replace(entries[1], questions=("什么是甲？", "乙是什麼意思", "乙是啥"))
    errors = _errors([entries[0], clash])
    assert any("duplicate phrasing" in e and "a-one" in e and "b-two" in e for e in errors)


def test_broken_related_links(tmp_path: Path) -> None:
    entries = _entries(tmp_path, GOOD)
    broken = replace(entries[0], related=("b-two", "nowhere", "a-one"))
    errors = _errors([broken, entries[1]])
    assert any("related id 'nowhere' does not exist" in e for e in errors)
    assert any("related lists the entry itself" in e for e in errors)


@pytest.mark.parametrize("leftover", [
    "TODO", "XXX", "{district}", "「…」", "待補", "待確認", "○○區",
])
def test_placeholders(tmp_path: Path, leftover: str) -> None:
    entry = _entries(tmp_path, GOOD)[0]
    entry = replace(entry, answer=f"甲是一種制度，{leftover}。")
    errors = _errors([entry, _entries(tmp_path, GOOD)[1]])
    assert any("placeholder" in e and "answer" in e for e in errors), errors


def test_unfinished_answer_and_legit_words(tmp_path: Path) -> None:
    base = _entries(tmp_path, GOOD)
    unfinished = replace(base[0], answer="參與式預算是讓市民直接參與的制度……")
    assert any("ellipsis" in e for e in _errors([unfinished, base[1]]))
    fine = replace(base[0], answer="符合市民期待，TODAY 也一樣。")  # 期待, TODAY are words
    assert _errors([fine, base[1]]) == []


def test_lengths(tmp_path: Path) -> None:
    base = _entries(tmp_path, GOOD)
    long_answer = replace(base[0], answer="字" * 401)
    assert any("401 characters, at most 400" in e for e in _errors([long_answer, base[1]]))
    telegram = replace(base[0], more="字" * 4100)
    assert any("Telegram" in e for e in _errors([telegram, base[1]]))
    line = replace(base[0], more="😀" * 2600)  # 2 UTF-16 units each: over LINE, under Telegram
    errors = _errors([line, base[1]])
    assert any("LINE" in e for e in errors) and not any("Telegram" in e for e in errors)


def test_fewer_than_three_questions(tmp_path: Path) -> None:
    base = _entries(tmp_path, GOOD)
    short = replace(base[0], questions=("什麼是甲", "甲是啥"))
    assert any("only 2 questions" in e for e in _errors([short, base[1]]))


def test_unknown_topic_and_bad_id(tmp_path: Path) -> None:
    base = _entries(tmp_path, GOOD)
    odd = replace(base[0], topic="weather", id="A_One")
    errors = _errors([odd, base[1]])
    assert any("unknown topic 'weather'" in e for e in errors)
    assert any("not kebab-case" in e for e in errors)


def test_english_questions_need_an_english_answer(tmp_path: Path) -> None:
    base = _entries(tmp_path, GOOD)
    english = replace(base[0], questions_en=("What is A?",))
    assert any("no answer_en" in e for e in _errors([english, base[1]]))


def test_start_names_a_flow(tmp_path: Path) -> None:
    entries = _entries(tmp_path, GOOD)
    good = replace(entries[0], start="register/course")
    assert _errors([good, entries[1]]) == []
    for bad in ("dance", "register/dance", "faq"):
        errors = _errors([replace(entries[0], start=bad), entries[1]])
        assert len(errors) == 1 and "is not a flow" in errors[0], bad
    loaded = _entries(tmp_path, GOOD.replace("  tags: [甲]\n", "  tags: [甲]\n  start: propose\n"))
    assert loaded[0].start == "propose"


def test_start_needs_a_button_label(tmp_path: Path) -> None:
    from bot.nlp.checks import start_label_problems

    entry = replace(_entries(tmp_path, GOOD)[0], start="news/subscribe")
    assert start_label_problems([entry], {"start.news": {}}) == []
    assert "start.news" in start_label_problems([entry], {})[0]


def _content_copy(tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def test_the_shipped_nlp_data_has_no_problems() -> None:
    from bot.nlp.checks import nlp_problems

    assert nlp_problems(CONTENT) == []


@pytest.mark.parametrize(("breakage", "message"), [
    (lambda c: (c / "seeds" / "extra.txt").write_text("文字", encoding="utf-8"),
     "not listed"),
    (lambda c: (c / "seeds" / "000_b30670ff317546ff.txt").unlink(), "does not exist"),
    (lambda c: (c / "nlp" / "services.yaml").write_text("x: 1\n", encoding="utf-8"),
     "services.yaml"),
    (lambda c: (c / "nlp" / "nlp.yaml").write_text("answer_model: 3\n", encoding="utf-8"),
     "nlp.yaml"),
    (lambda c: (c / "nlp" / "rewrites.yaml").write_text("rules: [{from: '('}]\n",
                                                        encoding="utf-8"), "rewrites.yaml"),
    (lambda c: (c / "intent-examples.yaml").write_text("examples: {handoff: [找人]}\n",
                                                       encoding="utf-8"), "at least 30"),
])
def test_check_content_names_nlp_problems(tmp_path: Path, breakage: Callable[[Path], object],
                                          message: str) -> None:
    from bot.nlp.checks import nlp_problems

    content = _content_copy(tmp_path)
    breakage(content)
    problems = nlp_problems(content)
    assert problems and message in problems[0], problems
