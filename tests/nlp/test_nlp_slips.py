"""One-character slips of known words (bot/nlp/slips.py), through the real vocabulary."""

from __future__ import annotations

import pytest

from bot.nlp.understander import Understander


@pytest.mark.parametrize(("typed", "meant"), [
    ("住名大會是什麼", "住民大会"),      # a homophone inside a 4-character word
    ("官學連盟有哪些學校", "官学联盟"),
    ("區工所在哪", "区公所"),            # the middle of a 3-character word
])
def test_a_slip_of_a_known_word_is_corrected(real_nlp: Understander, typed: str,
                                             meant: str) -> None:
    assert meant in real_nlp.analyser.analyse(typed).words


@pytest.mark.parametrize(("typed", "kept"), [
    ("社區大樓管委會", "大楼"),         # 大樓 is a real word: never 社區大學
    ("里民大會什麼時候開", "里民"),      # 里民 is a real word: never 住民大會
    ("城市推參與式預算", "城市"),        # the edge of a 3-character word: never 城市獎
])
def test_a_real_word_is_never_taken_for_a_slip(real_nlp: Understander, typed: str,
                                               kept: str) -> None:
    assert kept in real_nlp.analyser.analyse(typed).words


def test_a_particle_is_never_the_slip(real_nlp: Understander) -> None:
    # 是什麼 / 寫什麼 are one character away from 為什麼, a word the bot knows
    assert "为什么" not in real_nlp.analyser.analyse("住民大會是什麼").words
    assert "为什么" not in real_nlp.analyser.analyse("構想書要寫什麼").words
