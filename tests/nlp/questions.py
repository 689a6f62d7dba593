"""The labelled question set (tests/nlp/questions.yaml): loading and judging, as score_faq.py does.

Used by tests/nlp/test_nlp_heldout.py (the test part), bench/fit_faq.py (fitting on the fit part
only, and the final report) and bench/faq.py.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

QUESTIONS = Path(__file__).resolve().parent / "questions.yaml"
DEV2 = Path(__file__).resolve().parent / "dev2.yaml"   # a development set (part: dev)


@dataclass(frozen=True)
class Question:
    """One labelled question."""

    q: str
    expect: str                      # faq | intent:NAME[/ACTION] | unknown
    has: tuple[tuple[str, ...], ...]  # faq: groups of alternatives the answer must contain
    part: str                        # fit | test (questions.yaml) | dev (dev2.yaml)

    @property
    def kind(self) -> str:
        """faq, intent or unknown."""
        return self.expect.partition(":")[0]

    def text_ok(self, text: str) -> bool:
        """Whether text contains every group (case-insensitive), as score_faq.py judges."""
        low = text.lower()
        return all(any(alt.lower() in low for alt in group) for group in self.has)


def load(part: str | None = None, path: Path = QUESTIONS) -> list[Question]:
    """The questions of one part (fit or test), or all."""
    raw: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = [Question(str(i["q"]), str(i["expect"]),
                      tuple(tuple(str(g).split("|")) for g in i.get("has", [])), str(i["part"]))
             for i in raw]
    return [i for i in items if part is None or i.part == part]


def judge(item: Question, got: dict[str, Any]) -> str:
    """'right', 'wrong', or for unknown items 'answered' (a confident answer to an out-of-scope
    question: the worst outcome); got is a `run.py ask --json` object with `action` added."""
    answered = got.get("faq_id") is not None
    if item.kind == "unknown":
        if answered:
            return "answered"
        return "right" if got.get("intent") in ("unknown", "handoff") else "wrong"
    if item.kind == "faq":
        return "right" if answered and item.text_ok(str(got.get("answer", ""))) else "wrong"
    name, _, action = item.expect.removeprefix("intent:").partition("/")
    ok = got.get("intent") == name and (not action or got.get("action") == action)
    return "right" if ok else "wrong"


def summary(items: list[Question], verdicts: list[str]) -> dict[str, Any]:
    """Counts: total, right, accuracy, out-of-scope items and how many were answered."""
    counts = Counter(verdicts)
    oos = [v for i, v in zip(items, verdicts, strict=True) if i.kind == "unknown"]
    return {"total": len(items), "right": counts["right"],
            "accuracy": counts["right"] / len(items) if items else 0.0,
            "out_of_scope": len(oos), "out_of_scope_answered": oos.count("answered"),
            "by_kind": {k: (sum(v == "right" for i, v in zip(items, verdicts, strict=True)
                                if i.kind == k),
                            sum(i.kind == k for i in items))
                        for k in ("faq", "intent", "unknown")}}


def misses(items: list[Question], gots: list[dict[str, Any]],
           verdicts: list[str]) -> dict[str, int]:
    """Counts only: how the FAQ questions were missed (「您是想問…」, 「不知道」 or a wrong
    entry answered) and how many answers were wrong, whatever the kind."""
    counts: Counter[str] = Counter()
    for item, got, verdict in zip(items, gots, verdicts, strict=True):
        if verdict == "right":
            continue
        if got.get("faq_id") is not None:
            counts["answered wrong"] += 1
        if item.kind == "faq":
            counts["faq: " + ("wrong answer" if got.get("faq_id") is not None else
                              "suggestions" if got.get("suggestions") else "declined")] += 1
    return dict(sorted(counts.items()))
