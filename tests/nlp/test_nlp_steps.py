"""Issue 20: the processes as steps (content/process.yaml, bot/nlp/steps.py)."""

from __future__ import annotations

import pytest

from bot.nlp.understander import Understander


@pytest.mark.parametrize(("question", "process", "step", "relation"), [
    ("住民大會結束後接下來是什麼", "pb", 1, "next"),
    ("提案審議工作坊前面是哪一個階段", "pb", 2, "before"),
    ("工作坊完就直接進入投票嗎", "pb", 2, "direct"),
    ("住名大會是第幾個階段", "pb", 1, "which"),          # a slip of a step's name
    ("说明会是谁办的", "pb", 0, "who"),                    # Simplified
    ("想參加參與式預算 第一步要去哪", "pb", 0, "first"),
    ("上完初階班之後可以上什麼", "courses", 0, "next"),
    ("what happens after i-Voting", "pb", 3, "next"),
])
def test_order_questions_are_read_as_steps(real_nlp: Understander, question: str,
                                           process: str, step: int, relation: str) -> None:
    u = real_nlp.understand(question)
    assert u.confidence == "high" and u.step is not None
    assert (u.step.process, u.step.step, u.step.relation) == (process, step, relation)


@pytest.mark.parametrize("question", [
    "住民大會是什麼", "住民大會怎麼報名", "2017年i-Voting有多少人投票",
    "智慧社區節能示範計畫是誰執行", "GO SMART的主席是誰",
])
def test_other_questions_about_the_same_words_are_not_step_questions(
        real_nlp: Understander, question: str) -> None:
    assert real_nlp.understand(question).step is None
