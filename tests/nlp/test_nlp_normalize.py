"""Normalisation: width, case, script, punctuation, synonyms, language."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlp.normalize import (
    Normalizer,
    Synonyms,
    compact,
    detect_lang,
    fold,
    load_synonyms,
)
from tests.nlp.conftest import CONTENT

SYNONYMS = CONTENT / "nlp" / "synonyms.yaml"


@pytest.fixture(scope="module")
def norm() -> Normalizer:
    return Normalizer.from_dir(CONTENT / "nlp")


@pytest.mark.parametrize(("raw", "folded"), [
    ("ｉ－Ｖｏｔｉｎｇ　投票人數！！", "i-voting投票人数"),  # full-width letters, space, marks
    ("ＰＯＣ是什麼？", "poc是什么"),
    ("區公所的參與式預算諮詢櫃檯", "区公所的参与式预算咨询柜台"),   # Traditional -> Simplified
    ("区公所的参与式预算咨询柜台", "区公所的参与式预算咨询柜台"),   # Simplified stays
    ("臺北 台北", "台北台北"),                                    # both spellings meet
    ("  參與式預算\t的 \n流程…… 😀🎉", "参与式预算的流程"),        # whitespace runs, emoji
    ("What is  i-Voting?", "what is i-voting"),                 # spaces only between words
    ("pb.taipei有哪些功能", "pb.taipei有哪些功能"),               # dots inside names survive
    ("指標17.13", "指标17.13"),
    ("5萬7,486人", "5万7486人"),                                # digit grouping dropped
    ("-abc. ", "abc"),                                          # lone marks dropped
    ("😀😀", ""),
])
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


@pytest.mark.parametrize(("raw", "expected"), [
    ("參預是什麼", "参与式预算是什么"),
    ("公參會", "公民参与委员会"),
    ("ivoting", "i-voting"),
    ("i voting 投票", "i-voting投票"),
    ("I-Vote", "i-voting"),
    ("愛投票是什麼", "i-voting是什么"),
    ("怎麼提按", "怎么提案"),
    ("參予式預算", "参与式预算"),
    ("諮詢櫃台", "咨询柜台"),
    ("GO SMART 聯盟", "gosmart联盟"),
    ("甚麼是走讀", "什么是走读"),
    ("多少人投票", "人数投票"),
    ("voting rights", "voting rights"),  # never inside an ASCII word
])
def test_synonyms_expand(norm: Normalizer, raw: str, expected: str) -> None:
    assert compact(norm(raw)) == expected


def test_replaced_phrase_is_a_word_boundary(norm: Normalizer) -> None:
    assert norm("有多少人投票") == "有 人数 投票"


def test_every_canonical_form_is_stable() -> None:
    phrases, words = load_synonyms(SYNONYMS)
    for canonical in set(phrases.table.values()):
        assert phrases.expand(canonical, spaced=False) == canonical, canonical
    assert words  # the word-level section is loaded too
    assert words["哪"] == "哪里"


def test_conflicting_synonyms_are_an_error() -> None:
    with pytest.raises(ValueError, match="maps to both"):
        Synonyms.from_mapping({"提案": ["提按"], "題目": ["提按"]})


def test_synonyms_file_sections_are_checked(tmp_path: Path) -> None:
    bad = tmp_path / "synonyms.yaml"
    bad.write_text("參與式預算: [參預]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="phrases"):
        load_synonyms(bad)


@pytest.mark.parametrize(("text", "lang"), [
    ("What is i-Voting?", "en"),
    ("how do I join the residents assembly", "en"),
    ("qwertyuiop", "en"),
    ("什麼是i-Voting", "zh"),
    ("i-Voting 提醒我", "zh"),
    ("GO SMART 全球智慧城市聯盟", "zh"),
    ("參與式預算", "zh"),
    ("😀", "zh"),
])
def test_detect_lang(text: str, lang: str) -> None:
    assert detect_lang(text) == lang
