"""Issue 20: anyone's wording. Taiwanese function words, stray words around a question."""

from __future__ import annotations

import pytest

from bot.nlp.normalize import Normalizer
from bot.nlp.understander import Understander
from tests.nlp.conftest import CONTENT


@pytest.fixture(scope="module")
def norm() -> Normalizer:
    return Normalizer.from_dir(CONTENT / "nlp")


@pytest.mark.parametrize(("taiwanese", "mandarin"), [
    ("走讀佗一年開始", "走讀哪一年開始"),
    ("彼个課程愛先報名", "那個課程要先報名"),
    ("投票攏總偌濟人", "投票總共多少人"),
    ("阮敢有法度提案", "我們有沒有法度提案"),
    ("啥物是住民大會", "什麼是住民大會"),
    ("公園加椅仔", "公園加椅子"),
])
def test_taiwanese_function_words_read_as_mandarin(norm: Normalizer, taiwanese: str,
                                                   mandarin: str) -> None:
    assert norm(taiwanese) == norm(mandarin)


@pytest.mark.parametrize("extra", [
    "", " 我看不懂", " 謝啦🙏", "請問一下喔 ", "大家好 ", "阿伯想問 ", " 不太懂 謝謝",
])
def test_stray_words_do_not_change_the_answer(real_nlp: Understander, extra: str) -> None:
    question = "住民大會是做什麼的"
    text = extra + question if extra.endswith(" ") else question + extra
    u = real_nlp.understand(text)
    assert u.confidence == "high"
    assert u.matches[0].faq_id == real_nlp.understand(question).matches[0].faq_id


@pytest.mark.parametrize(("question", "kind"), [
    ("社子大橋的偵測系統是哪一家廠商做的", "contractor"),
    ("能源之丘什麼時候要拆除", "demolition"),
    ("2035年的i-Voting有多少人投票", "year"),
    ("南港區第三期重劃區什麼時候完工", "completion"),
    ("進階課程上完有結業證書嗎", "certificate"),     # a step named: no step holds it either
    ("審議員培訓上完之後可以學習歷程加分嗎", "certificate"),
])
def test_a_fact_the_sources_lack_is_never_answered_as_if_they_held_it(
        real_nlp: Understander, question: str, kind: str) -> None:
    u = real_nlp.understand(question)
    assert u.confidence != "high"  # suggestions at most, never the entry as an answer
    if u.beyond is not None:
        assert u.beyond == kind


@pytest.mark.parametrize("question", [
    "社子大橋的偵測系統是什麼",        # the same topic, a fact the entry holds
    "參加走讀要錢嗎",                  # price asked, the entry says it is free
    "2017年i-Voting有多少人投票",     # a year the entry covers
])
def test_the_same_topics_are_still_answered(real_nlp: Understander, question: str) -> None:
    u = real_nlp.understand(question)
    assert u.beyond is None and u.confidence == "high"


@pytest.mark.parametrize(("text", "intent", "action"), [
    ("這個點子可以幫我變成提案嗎", "propose", None),
    ("我們巷口想提案加座椅 幫我寫一下", "propose", None),
    ("計畫書好了 請幫我送出提案", "propose", None),
    ("走讀幫我留兩個位子", "register", "walk"),
    ("想卡一個審議員培訓的名額", "register", "course"),
    ("幫我爸報名進階課程", "register", "course"),
    ("初階班報名3位", "register", "course"),
    ("可以請人打電話給我嗎", "handoff", None),
    ("請回電給我", "handoff", None),
    ("不想要i-Voting的提醒", "ivoting", "unsubscribe"),
    ("我不想收投票通知", "ivoting", "unsubscribe"),
])
def test_ways_of_asking_for_an_action(real_nlp: Understander, text: str, intent: str,
                                      action: str | None) -> None:
    u = real_nlp.understand(text)
    assert (u.intent, u.action) == (intent, action)


@pytest.mark.parametrize("text", [
    "i-Voting從哪一年開始有的", "ivoting最早是哪年", "since when does Taipei have i-Voting",
])
def test_i_voting_history_is_not_the_calendar(real_nlp: Understander, text: str) -> None:
    assert real_nlp.understand(text).intent != "ivoting"


@pytest.mark.parametrize(("text", "entry"), [
    ("我是新住民，參與式預算是什麼", "pb-what"),
    ("我住內湖 住民大會是做什麼的", "process-assembly"),
    ("聽朋友說可以去區公所提案 真的嗎", "counter-accept"),
])
def test_a_short_aside_about_the_resident_is_not_the_question(real_nlp: Understander,
                                                               text: str, entry: str) -> None:
    u = real_nlp.understand(text)
    assert u.confidence == "high" and u.matches[0].faq_id == entry


def test_an_aside_alone_is_kept(real_nlp: Understander) -> None:
    assert real_nlp.analyser.drop_asides("我是學生") == "我是學生"


@pytest.mark.parametrize("question", [
    "文山區第一期重劃區的房子一坪多少", "南港重劃區買得起嗎 房價多少"])
def test_housing_prices_are_never_answered_from_a_plans_budget(real_nlp: Understander,
                                                               question: str) -> None:
    assert real_nlp.understand(question).confidence != "high"


def test_a_seed_sentence_without_the_fact_asked_is_not_quoted_for_it(
        real_nlp: Understander) -> None:
    sentence = "舊區再生翻轉計畫：地政局與資訊局合作，在本市5個行政區盤點公共設施。"
    norm = real_nlp.normalizer
    lacks = real_nlp.unsourced.passage_lacks
    assert lacks(norm("舊區再生盤點設施是哪一家公司做的"), "seed:t:1", sentence) == "contractor"
    assert lacks(norm("舊區再生盤點了幾個行政區"), "seed:t:1", sentence) is None
    dated = sentence + "（2018年）"
    assert lacks(norm("2035年舊區再生盤點了幾個行政區"), "seed:t:2", dated) == "year"
