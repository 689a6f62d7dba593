"""Segmentation keeps domain terms whole; stopwords go; long words have parts."""

from __future__ import annotations

import pytest

from bot.nlp.normalize import Normalizer, fold, to_simplified
from bot.nlp.segment import Segmenter, read_userdict, stem, subwords, words
from tests.nlp.conftest import CONTENT

NLP_DIR = CONTENT / "nlp"


@pytest.fixture(scope="module")
def seg() -> Segmenter:
    return Segmenter.from_dir(NLP_DIR)


@pytest.fixture(scope="module")
def norm() -> Normalizer:
    return Normalizer.from_dir(NLP_DIR)


@pytest.mark.parametrize(("text", "term"), [
    ("區公所的參與式預算諮詢櫃檯", "咨询柜台"),
    ("區公所的參與式預算諮詢櫃檯", "参与式预算"),
    ("住民大會在哪裡開", "住民大会"),
    ("提案審議工作坊要做什麼", "提案审议工作坊"),
    ("怎麼寫構想書", "构想书"),
    ("什麼是逕予執行", "径予执行"),
    ("參與式預算官學聯盟", "官学联盟"),
    ("AI電子圍籬在哪裡實證", "电子围篱"),
    ("我住北投區", "北投区"),
    ("i-Voting投票人數", "i-voting"),
])
def test_domain_terms_stay_whole(seg: Segmenter, norm: Normalizer, text: str,
                                 term: str) -> None:
    assert term in words(norm(text))


def test_userdict_has_the_domain_terms() -> None:
    # jieba alone cuts them (stack-notes: 參與/式/預算, 咨询/柜台), so the dictionary lists them
    listed = {w for w, _, _ in read_userdict(NLP_DIR / "userdict.txt")}
    wanted = ("參與式預算 住民大會 提案說明會 提案審議工作坊 諮詢櫃檯 構想書 計畫書 逕予執行 "
              "走讀 官學聯盟 審議員 智慧城市 空氣盒子 電子圍籬 中正區 萬華區 內湖區 文山區")
    assert {fold(w) for w in wanted.split()} <= listed


def test_userdict_is_written_in_the_index_script() -> None:
    for word, _, _ in read_userdict(NLP_DIR / "userdict.txt"):
        assert to_simplified(word) == word, word
        assert fold(word) == word, word


def test_stopwords_are_dropped(seg: Segmenter, norm: Normalizer) -> None:
    assert seg.content_words(norm("請問我想知道什麼是住民大會呢？")) == ["住民大会"]
    assert seg.content_words(norm("What is the i-Voting?")) == ["i-voting"]


def test_question_words_that_tell_answers_apart_are_kept(seg: Segmenter,
                                                         norm: Normalizer) -> None:
    assert "哪里" in seg.content_words(norm("住民大會在哪裡"))
    assert "为什么" in seg.content_words(norm("為何要做參與式預算"))  # 為何 -> 為什麼


def test_word_synonyms_apply_to_whole_words_only(seg: Segmenter, norm: Normalizer) -> None:
    assert seg.content_words(norm("櫃檯在哪")) == ["柜台", "哪里"]
    assert "哪里" not in seg.content_words(norm("有哪些課程"))


def test_subwords_of_long_words() -> None:
    assert subwords("参与式预算") == ("参与", "预算")
    assert set(subwords("提案审议工作坊")) >= {"提案", "审议工作坊", "审议", "工作坊"}
    assert subwords("住民") == ()          # short words have none
    assert subwords("i-voting") == ()      # nor ASCII words


def test_english_plural_stem() -> None:
    assert [stem(w) for w in ("proposals", "cities", "class", "is")] == [
        "proposal", "city", "class", "is"]
