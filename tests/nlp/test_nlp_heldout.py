"""The held-out figures of issue #11: the TEST part of tests/nlp/questions.yaml, judged as
score_faq.py judges `run.py ask --json` (bot/cli/ask.py answers through the real router).

Nothing is fitted on this part (bench/fit_faq.py reads only `fit`), and the content written
after the split must stay away from it (test_content_written_later_keeps_clear_of_the_test_part).
"""

from __future__ import annotations

from collections import Counter

from bot.cli.ask import answer
from bot.common.yamlfile import read_yaml
from bot.handlers.deps import Deps
from bot.nlp.normalize import fold
from tests.nlp.conftest import CONTENT
from tests.nlp.questions import Question, judge, load, summary

# Issue #11 asks for 95 %; the shipped answering measures 249/259 = 96.1 % on this part (README,
# "Answering quality"). The floor guards against regressions; raise it when the figure rises.
FLOOR = 0.96
TOO_CLOSE = 0.6   # character-bigram Dice with a test question


async def _verdicts(deps: Deps, items: list[Question]) -> list[str]:
    bare = Deps(content=deps.content, nlp=deps.nlp)  # as `run.py ask` runs: no database
    return [judge(item, await answer(bare, item.q)) for item in items]


def test_the_split_is_fixed_and_balanced() -> None:
    items = load()
    parts = Counter((i.kind, i.part) for i in items)
    assert len(items) >= 400 and sum(n for (k, _), n in parts.items() if k == "unknown") >= 150
    for kind in ("faq", "intent", "unknown"):
        assert abs(parts[(kind, "fit")] - parts[(kind, "test")]) <= 1
    assert all(i.has for i in items if i.kind == "faq")


async def test_test_part_accuracy_and_no_out_of_scope_answer(deps: Deps) -> None:
    items = load("test")
    verdicts = await _verdicts(deps, items)
    result = summary(items, verdicts)
    # counts only: listing the misses would invite fixing them, i.e. tuning on the test part
    assert result["out_of_scope_answered"] == 0, result
    assert result["accuracy"] >= FLOOR, result


def _bigrams(text: str) -> set[str]:
    flat = fold(text).replace(" ", "")
    return {flat[i:i + 2] for i in range(len(flat) - 1)} or {flat}


def test_content_written_later_keeps_clear_of_the_test_part() -> None:
    """The intent examples and the out-of-scope examples were written after the split: none
    may be a near-copy of a test question (that would be tuning on the test part)."""
    examples = read_yaml(CONTENT / "intent-examples.yaml")["examples"]
    outside = read_yaml(CONTENT / "nlp" / "out-of-scope.yaml")
    texts = [t for group in (*examples.values(), *outside.values()) for t in group]
    tests = [(q.q, _bigrams(q.q)) for q in load("test")]
    close = []
    for text in texts:
        mine = _bigrams(text)
        for question, theirs in tests:
            if 2 * len(mine & theirs) / (len(mine) + len(theirs)) >= TOO_CLOSE:
                close.append((text, question))
    # only our own texts are shown: printing the test questions would expose the test part
    assert [text for text, _ in close] == []
