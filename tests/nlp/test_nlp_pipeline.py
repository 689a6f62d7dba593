"""The parts of understanding: repairs, seed sentences, intent examples, services, confidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlp.analyse import Analyser
from bot.nlp.confidence import Model, fit_logistic
from bot.nlp.examples import example_problems, read_examples
from bot.nlp.index import read_groups
from bot.nlp.normalize import Normalizer
from bot.nlp.passages import Passage, load_passages, read_sources, sentences, tidy
from bot.nlp.services import Services
from bot.nlp.understander import Understander
from tests.nlp.conftest import CONTENT


@pytest.mark.parametrize(("text", "words"), [
    ("進階班教什麼", ("进阶", "课程")),          # 班 glued to its neighbour reaches 課程
    ("我想報初階課", ("报", "初阶", "课程")),
    ("參與式預算進校園", ("参与式预算", "校园")),   # an unknown single character is dropped
    ("pb.taipie 網站", ("pb.taipei", "网站")),      # one ASCII slip corrected
    ("i-votting", ("i-voting",)),
])
def test_repairs(real_nlp: Understander, text: str, words: tuple[str, ...]) -> None:
    assert real_nlp.analyser.analyse(text).words == words


def test_repairs_never_invent(real_nlp: Understander) -> None:
    analyse = real_nlp.analyser.analyse
    assert analyse("poe").words == ("poe",)            # too short to correct
    assert analyse("我想報名游泳課").unknown == ("游泳",)  # still unknown, and said so


def test_rewrites_make_colloquial_text_canonical() -> None:
    norm = Normalizer.from_dir(CONTENT / "nlp")
    assert norm("參與式預算ㄉ意思") == norm("參與式預算的意思")
    assert norm("i-voting 4 什麼") == norm("i-voting是什麼")
    assert norm("4月4日") == "4月4日"                  # 4 stays a number elsewhere
    assert norm("走讀是幹嘛的") == norm("走讀是做什麼的")
    assert norm("幹嘛要辦走讀") == norm("為什麼要辦走讀")


VISION = "依本府策略地圖推動示範計畫，透過導入智慧運用與生態環境，每年導入5處以上。"
SEED = """「示範」整體架構

壹、願景

依本府策略地圖推動示範計畫，透過導入智慧運用與生態環境，每年導入5處以上。

參、執行計畫

一、系列活動

- (一)執行機關：地政局。
- (二)經費：105年45萬元，106年200萬元。
GO SMART 於2018 年12月28 日正式開放會員申請,其中城市會員91
名,來自澳洲;產業會員54 名。
"""


def test_sentences_keep_their_headings_and_join_broken_lines() -> None:
    found = sentences(SEED)
    assert found[0] == (((0, "「示範」整體架構"), (1, "願景")), VISION)
    levels = [level for level, _ in found[1][0]]
    assert levels == [0, 1, 2] and found[1][1] == "執行機關：地政局。"
    assert any("城市會員91名" in s for _, s in found)     # a sentence broken across lines
    assert [s for _, s in found][-1].startswith("產業會員54")  # ; ends a sentence


def test_a_labelled_or_short_sentence_is_quoted_after_its_heading(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(SEED, encoding="utf-8")
    (tmp_path / "sources.yaml").write_text("a.txt: {key: demo, doc: 示範文件, year: 2018}\n",
                                           encoding="utf-8")
    passages = load_passages(tmp_path)
    assert passages[1] == Passage("seed:demo:1", "示範文件", 2018,
                                  ("「示範」整體架構", "執行計畫", "系列活動"),
                                  "執行機關：地政局。", "系列活動")
    assert passages[1].shown == "系列活動：執行機關：地政局。"
    assert passages[0].shown == VISION
    raw = "於2018 年12月28 日, 城市會員91 名( 截至) ;"
    assert tidy(raw) == "於2018年12月28日，城市會員91名（截至）；"


def test_sources_are_checked(tmp_path: Path) -> None:
    assert read_sources(tmp_path) == {}
    (tmp_path / "sources.yaml").write_text("- a\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"sources\.yaml"):
        read_sources(tmp_path)


def test_every_shipped_seed_is_indexed(real_nlp: Understander) -> None:
    docs = {p.doc for p in real_nlp.passages.passages}
    assert docs == {"臺北市自願檢視報告", "智慧生態社區整體推動架構"}
    assert sorted(read_sources(CONTENT / "seeds")) == sorted(
        p.name for p in (CONTENT / "seeds").glob("*.txt"))


@pytest.mark.parametrize(("text", "score"), [
    ("我想報名走讀", 1), ("可以幫我報名嗎", 1), ("可以找志工嗎", 1), ("remind me to vote", 1),
    ("走讀怎麼報名", -1), ("諮詢櫃檯可以幫忙什麼", -1), ("what is i-voting", -1),
    ("我要怎麼提案", 0), ("住民大會", 0),
])
def test_request_or_question(real_nlp: Understander, text: str, score: int) -> None:
    assert real_nlp.examples is not None
    assert real_nlp.examples.markers.request_score(real_nlp.normalizer(text)) == score


def test_examples_catch_requests_the_patterns_miss(real_nlp: Understander) -> None:
    u = real_nlp.understand("我們兩個想去走讀幫我們登記")
    assert (u.intent, u.action) == ("register", "walk")
    assert real_nlp.understand("走讀活動是什麼").intent == "faq"   # a question: never an intent


def test_example_file_problems(tmp_path: Path) -> None:
    norm = Normalizer.from_dir(CONTENT / "nlp")
    assert example_problems(CONTENT / "intent-examples.yaml", norm.synonyms) == []
    path = tmp_path / "x.yaml"
    path.write_text("examples:\n  propose: [我要提案]\n", encoding="utf-8")
    assert "at least 30" in example_problems(path, norm.synonyms)[0]
    path.write_text("examples:\n  dance: [跳舞]\n", encoding="utf-8")
    assert "unknown group" in example_problems(path, norm.synonyms)[0]
    path.write_text("markers:\n  request: ['(']\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad pattern"):
        read_examples(path, norm.synonyms)


def test_groups_file_is_checked(tmp_path: Path) -> None:
    assert len(read_groups(CONTENT / "nlp" / "out-of-scope.yaml")) >= 10
    path = tmp_path / "g.yaml"
    path.write_text("a: text\n", encoding="utf-8")
    with pytest.raises(ValueError, match="NAME"):
        read_groups(path)


def test_city_services() -> None:
    services = Services.from_yaml(CONTENT / "nlp" / "services.yaml")
    norm = Normalizer.from_dir(CONTENT / "nlp")
    assert services.find(norm("家門口的路燈壞了")) == "streetlight"
    assert services.find(norm("垃圾車幾點來")) == "garbage"
    assert services.find(norm("住民大會是什麼")) is None
    streetlight, garbage = services.get("streetlight"), services.get("garbage")
    assert streetlight is not None and streetlight.propose
    assert garbage is not None and not garbage.propose


def test_services_file_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("road: {propose: true}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="road"):
        Services.from_yaml(path)


def test_logistic_fit_orders_and_calibrates() -> None:
    rows = [{"x": x / 10} for x in range(11)]
    labels = [0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1]
    model = fit_logistic(rows, labels, ["x"], steps=500, rate=1.0)
    probs = [model.probability(r) for r in rows]
    assert probs == sorted(probs) and probs[0] < 0.2 and probs[-1] > 0.8
    assert model.probability({}) == Model(model.bias).probability({"y": 5.0})


def test_model_values_must_be_numbers() -> None:
    with pytest.raises(ValueError, match="number"):
        Model.from_mapping({"bias": "high"}, "nlp.yaml answer_model")


def test_vocabulary_learns_only_what_the_bot_knows(real_nlp: Understander) -> None:
    analyser: Analyser = real_nlp.analyser
    assert "走读" in analyser.vocabulary                  # FAQ and seeds
    assert "好玩" not in analyser.vocabulary              # only in the out-of-scope examples
    assert "好玩" in real_nlp.outside.index.terms
