"""Pure parts of proposals: field parsing, the spec and its check, similarity, references."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.common.content import Content, ContentError
from bot.common.settings import ROOT
from bot.handlers.propose.review import make_ref
from bot.proposals import fields
from bot.proposals.checks import check_spec
from bot.proposals.similar import rank
from bot.proposals.spec import PastProposal, ProposalSpec, Step
from bot.proposals.view import ProposalView
from tests.chat import shared_deps

CONTENT = ROOT / "content"
COST = Step("cost", "money", min=1000, max=100_000_000, optional=True)


@pytest.mark.parametrize(("text", "amount"), [
    ("50萬", 500_000), ("五十萬元", 500_000), ("500,000", 500_000), ("1.5萬", 15_000),
    ("3千", 3_000), ("兩百萬", 2_000_000), ("一千二百萬", 12_000_000), ("NT$ 80,000", 80_000),
    ("約30萬元左右", 300_000), ("十萬", 100_000), ("５０萬", 500_000), ("三百五十萬", 3_500_000),
    # approximate amounts, with the words for "about" from content/propose.yaml
    ("大概八十萬", 800_000), ("約80萬", 800_000), ("80萬左右", 800_000),
    ("差不多五十萬", 500_000), ("大約 120 萬元", 1_200_000), ("一百多萬吧", 1_000_000),
    ("預估三十萬上下", 300_000), ("將近 2 萬塊錢", 20_000),
])
def test_money_in_the_ways_people_write_it(text: str, amount: int) -> None:
    approx = ProposalSpec.load(CONTENT).words["approx"]
    assert fields.parse_money(COST, text, approx).value == amount


def test_the_words_for_about_are_content_not_code() -> None:
    assert fields.parse_money(COST, "大概八十萬").error == "propose.error.not_money"
    assert fields.parse_money(COST, "大概八十萬", ["大概"]).value == 800_000


@pytest.mark.parametrize("text", ["很多", "萬", "", "50 apples", "1e9", "大概", "差不多很多"])
def test_money_that_is_not_money(text: str) -> None:
    approx = ProposalSpec.load(CONTENT).words["approx"]
    assert fields.parse_money(COST, text, approx).error == "propose.error.not_money"


def test_money_out_of_range() -> None:
    assert fields.parse_money(COST, "5元").error == "propose.error.money_range"
    assert fields.parse_money(COST, "200億").error == "propose.error.money_range"


@pytest.mark.parametrize(("text", "digits"), [
    ("0912-345-678", "0912345678"), ("+886 912 345 678", "0912345678"),
    ("(02)2720-8889", "0227208889"), ("０９１２３４５６７８", "0912345678"),
])
def test_phone_numbers(text: str, digits: str) -> None:
    assert fields.parse_phone(text).value == digits


@pytest.mark.parametrize("text", ["12345", "0912", "09123456789", "abc", "02-123"])
def test_bad_phone_numbers(text: str) -> None:
    assert not fields.parse_phone(text).ok


def test_text_is_cleaned_and_limited() -> None:
    step = Step("title", "text", min=4, max=10)
    assert fields.parse_text(step, "  公園\u200b\x07遮陽　棚 🌳 ").value == "公園遮陽 棚 🌳"
    assert fields.parse_text(step, "短").error == "propose.error.too_short"
    assert dict(fields.parse_text(step, "長" * 11).params)["length"] == 11


def test_options_exact_alias_and_unique_part_only() -> None:
    spec = ProposalSpec.load(CONTENT)
    assert fields.parse_option(spec.districts, "Shilin").value == "士林區"
    assert fields.parse_option(spec.districts, "万华").value == "萬華區"
    assert fields.parse_option(spec.categories, "公園").value == "parks"
    assert not fields.parse_option(spec.districts, "大").ok  # too short to be a part
    assert not fields.parse_option(spec.districts, "中區").ok


def test_spec_steps_and_transitions() -> None:
    spec = ProposalSpec.load(CONTENT)
    assert len(spec.districts) == 12
    assert [s.field for s in spec.asked({"contact": False})][-1] == "contact"
    assert spec.asked({"contact": True})[-1].field == "contact_phone"
    assert spec.can_move("submitted", "accepted") and not spec.can_move("done", "accepted")
    assert spec.word_is("back", " 上一步 ") and spec.word_is("skip", "SKIP")
    assert spec.word_is("no", "No") and spec.word_is("yes", "OK")  # not YAML booleans


def test_shipped_content_passes_and_broken_content_is_reported(tmp_path: Path) -> None:
    content = Content.load(CONTENT)
    assert check_spec(ProposalSpec.load(CONTENT), content) == []
    broken = tmp_path / "content"
    shutil.copytree(CONTENT, broken)
    text = (broken / "propose.yaml").read_text("utf-8")
    text = text.replace("{field: cost, kind: money", "{field: cost, kind: dollars")
    text = text.replace("next: [in_progress]", "next: [finished]")
    (broken / "propose.yaml").write_text(text, "utf-8")
    errors = check_spec(ProposalSpec.load(broken), content)
    assert any("unknown kind dollars" in e for e in errors)
    assert any("next finished is not a status" in e for e in errors)
    (broken / "propose.yaml").write_text("steps: [", "utf-8")
    with pytest.raises(ContentError, match=r"propose\.yaml"):
        ProposalSpec.load(broken)


def _view(title: str, district: str, problem: str) -> ProposalView:
    return ProposalView(1, "t" * 22, "R1", "line", "U1", "submitted", district, title,
                        {"title": title, "district": district, "problem": problem})


def test_similar_ranks_shared_words_and_district() -> None:
    keywords = shared_deps().nlp.keywords
    mine = {"title": "巷弄增設路燈", "district": "士林區", "problem": "巷子太暗沒有路燈"}
    found = rank(mine, [
        _view("公園增設溜滑梯", "士林區", "兒童遊戲設施老舊"),
        _view("增設路燈改善照明", "大安區", "巷子晚上太暗"),
        _view("巷弄路燈不足", "士林區", "沒有路燈很暗"),
    ], [PastProposal("路燈照明改善", "北投區", 2019, "增設路燈")], keywords,
        {"limit": 3, "min_score": 0.2, "district_bonus": 0.15})
    titles = [s.title for s in found]
    assert titles[0] == "巷弄路燈不足" and "公園增設溜滑梯" not in titles
    assert len(found) <= 3


def test_reference_numbers_are_short_and_unambiguous() -> None:
    refs = {make_ref(datetime(2026, 11, 23)) for _ in range(200)}
    assert all(re.fullmatch(r"261123-[A-HJ-NP-Z2-9]{4}", r) for r in refs)
    assert len(refs) > 190


def test_dates_are_taipei_dates_on_the_page_and_in_references() -> None:
    from bot.handlers.propose.page import render

    late_utc = datetime(2026, 11, 22, 17, 30, tzinfo=UTC)  # 01:30 on the 23rd in Taipei
    assert make_ref(late_utc).startswith("261123-")
    p = replace(_view("巷弄路燈", "士林區", "太暗"), submitted_at=late_utc)
    assert "2026-11-23" in render(shared_deps(), p)
