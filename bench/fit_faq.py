"""Fit the answering's weights and thresholds on the FIT part of tests/nlp/questions.yaml only.

Usage: .venv/bin/python bench/fit_faq.py [--write]

1. Fusion weights of the FAQ index: a grid search for the most questions whose best entry
   answers them (the entry's answer contains every `has` group); ties go to the weights that
   separate right best entries from out-of-scope ones best.
2. The same for the seed-sentence index (a sentence answers when its quote contains the groups).
3. The answer model (logistic: bot/nlp/confidence.py) on the features of the best entry,
   labelled 1 when it answers the question; then the answer threshold: the most right answers,
   none to an out-of-scope question and at most 1 % wrong, with a safety margin above every
   out-of-scope question's probability.
4. The passage model and threshold, likewise, on questions the answer model leaves unanswered.
5. The intent examples' threshold: the most intent questions taken, none wrongly.
Prints the values and the fit part's accuracy; --write rewrites content/nlp/nlp.yaml. The test
part is never read here (tests/nlp/test_nlp_heldout.py scores it).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.nlp.confidence import Model, fit_logistic  # noqa: E402
from bot.nlp.config import NlpConfig  # noqa: E402
from bot.nlp.index import Hit, Weights  # noqa: E402
from bot.nlp.retriever import Search  # noqa: E402
from bot.nlp.understander import (  # noqa: E402
    Signals,
    Understander,
    Understanding,
    answer_row,
    decide,
    passage_row,
)
from tests.nlp.questions import Question, judge, load  # noqa: E402

CONTENT = ROOT / "content"
ANSWER_FEATURES = ("score", "lead", "coverage", "unknown", "recall", "precision", "dice",
                   "cover", "asked", "surface", "request", "oos", "oos_cover", "foreign")
PASSAGE_FEATURES = ("score", "lead", "coverage", "unknown", "recall", "dice", "cover",
                    "oos", "oos_cover", "foreign")
SIGNS = {"score": 1, "lead": 1, "coverage": 1, "unknown": -1, "recall": 1, "precision": 1,
         "dice": 1, "cover": 1, "asked": 1, "surface": 1, "oos": -1, "oos_cover": -1,
         "foreign": -1}   # which way each piece of evidence may count
MARGIN = 0.05          # probability margin kept above the highest out-of-scope question
MAX_WRONG = 0.01       # at most this share of questions answered wrongly (fit part)
CANDIDATES = 20        # grid points compared by cross-validation
GRID = {"recall": (0.1, 0.3, 0.5), "precision": (0.0, 0.1, 0.3),
        "dice": (0.0, 0.1, 0.3), "surface": (0.0, 0.1, 0.3),
        "cover": (0.0, 0.5, 1.0, 1.5), "asked": (0.0, 0.3, 0.6, 1.0)}


def answers(nlp: Understander, s: Signals, hit: Hit) -> str:
    """The text an entry shows for a question in the signals' language."""
    entry = nlp.entries[hit.item]
    return (entry.answer_en or entry.answer) if s.lang == "en" else entry.answer


def search_with(nlp: Understander, s: Signals, w: Weights) -> Signals:
    """The signals with the FAQ search redone under other weights."""
    assert s.query is not None and s.faq is not None
    hits = tuple(nlp.retriever.index.search(s.query, w, 3))
    return replace(s, faq=Search(hits, s.faq.coverage))


def passages_with(nlp: Understander, s: Signals, w: Weights) -> Signals:
    """The signals with the seed-sentence search redone under other weights."""
    assert s.query is not None
    return replace(s, passages=tuple(nlp.passages.search(s.query, w, 2)))


def ranked_weights(items: Sequence[tuple[Question, Signals]],
                   right: Callable[[Question, Signals], bool],
                   redo: Callable[[Signals, Weights], Signals],
                   top: Callable[[Signals], float]) -> list[tuple[int, float, Weights]]:
    """Every grid point as (right best items, separation, weights), best first; separation:
    mean best score of right ones minus that of out-of-scope questions."""
    out = []
    for values in itertools.product(*GRID.values()):
        w = Weights(**dict(zip(GRID, values, strict=True)))
        done = [(q, redo(s, w)) for q, s in items]
        hits = [top(s) for q, s in done if q.kind == "faq" and right(q, s)]
        oos = [top(s) for q, s in done if q.kind == "unknown"]
        gap = (sum(hits) / max(len(hits), 1)) - (sum(oos) / max(len(oos), 1))
        out.append((len(hits), gap, w))
    return sorted(out, key=lambda t: (-t[0], -t[1]))


def cross_validated(rows: Sequence[dict[str, float]], labels: Sequence[int],
                    oos: Sequence[bool], names: Sequence[str], folds: int = 4) -> float:
    """Held-out value of a model + threshold fitted on the other folds, over two different
    fold assignments: right answers minus 5 per out-of-scope question answered and 2 per
    wrong answer."""
    value = 0.0
    for shuffle in (1, 7):
        fold_of = [(i * shuffle + i // folds) % folds for i in range(len(rows))]
        for k in range(folds):
            train = [i for i in range(len(rows)) if fold_of[i] != k]
            model = fit_logistic([rows[i] for i in train], [labels[i] for i in train], names,
                                 steps=800, rate=1.0, signs=SIGNS)
            probs = [model.probability(rows[i]) for i in train]
            cut = threshold(probs, [labels[i] for i in train], [oos[i] for i in train])
            for i in range(len(rows)):
                if fold_of[i] == k and model.probability(rows[i]) >= cut:
                    value += 1 if labels[i] else (-5 if oos[i] else -2)
    return value / 2


def choose(candidates: list[tuple[int, float, Weights]], items: list[tuple[Question, Signals]],
           redo: Callable[[Signals, Weights], Signals], row: Callable[[Signals], dict[str, float]],
           label: Callable[[Question, Signals], int], names: Sequence[str],
           usable: Callable[[Signals], bool]) -> Weights:
    """Of the best grid points, the one whose answers hold best on held-out folds."""
    best: tuple[float, Weights] | None = None
    for hits, _, w in candidates[:CANDIDATES]:
        done = [(q, redo(s, w)) for q, s in items]
        done = [(q, s) for q, s in done if usable(s)]
        value = cross_validated([row(s) for _, s in done], [label(q, s) for q, s in done],
                                [q.kind == "unknown" for q, _ in done], names)
        print(f"  {w}: best right {hits}, cross-validated value {value:.0f}")
        if best is None or value > best[0]:
            best = (value, w)
    assert best is not None
    return best[1]


def threshold(probs: Sequence[float], labels: Sequence[int], oos: Sequence[bool]) -> float:
    """The lowest probability cut with no out-of-scope question above it and at most
    MAX_WRONG wrong answers, raised by MARGIN over the highest out-of-scope probability."""
    top_oos = max((p for p, o in zip(probs, oos, strict=True) if o), default=0.0)
    allowed = MAX_WRONG * len(probs)
    for cut in sorted({round(p, 4) for p in probs} | {0.5}):
        wrong = sum(1 for p, y in zip(probs, labels, strict=True) if p >= cut and not y)
        if cut > top_oos and wrong <= allowed:
            return round(min(0.95, max(cut, top_oos + MARGIN)), 4)
    return 0.95


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="rewrite content/nlp/nlp.yaml")
    args = parser.parse_args()
    nlp = Understander.from_content(CONTENT)
    fit = load("fit")
    measured = [(q, nlp.measure(q.q, complete=True)) for q in fit]
    searched = [(q, s) for q, s in measured if s.query is not None and s.faq is not None]

    def entry_right(q: Question, s: Signals) -> bool:
        return bool(s.faq and s.faq.ranked) and q.text_ok(answers(nlp, s, s.faq.ranked[0]))

    def passage_right(q: Question, s: Signals) -> bool:
        return bool(s.passages) and q.text_ok(nlp.passages.passages[s.passages[0].item].shown)

    faq_items = [(q, s) for q, s in searched if q.kind != "intent"]
    grid = ranked_weights(faq_items, entry_right, lambda s, w: search_with(nlp, s, w),
                          lambda s: s.faq.ranked[0].score if s.faq and s.faq.ranked else 0.0)
    faq_w = choose(grid, faq_items, lambda s, w: search_with(nlp, s, w), answer_row,
                   lambda q, s: int(q.kind == "faq" and entry_right(q, s)), ANSWER_FEATURES,
                   lambda s: bool(s.faq and s.faq.ranked))
    print(f"faq_weights {faq_w}")
    searched = [(q, search_with(nlp, s, faq_w)) for q, s in searched]
    grid = ranked_weights(faq_items, passage_right, lambda s, w: passages_with(nlp, s, w),
                          lambda s: s.passages[0].score if s.passages else 0.0)
    pas_w = choose(grid, [(q, search_with(nlp, s, faq_w)) for q, s in faq_items],
                   lambda s, w: passages_with(nlp, s, w), passage_row,
                   lambda q, s: int(q.kind == "faq" and passage_right(q, s)), PASSAGE_FEATURES,
                   lambda s: bool(s.passages and s.faq))
    print(f"passage_weights {pas_w}")
    searched = [(q, passages_with(nlp, s, pas_w)) for q, s in searched]
    config = fit_models(nlp, searched, entry_right, passage_right,
                        replace(nlp.config, faq_weights=faq_w, passage_weights=pas_w))
    report(nlp, config, measured)
    if args.write:
        write(config, CONTENT / "nlp" / "nlp.yaml")
    return 0


def fit_models(nlp: Understander, items: list[tuple[Question, Signals]],
               entry_right: Callable[[Question, Signals], bool],
               passage_right: Callable[[Question, Signals], bool],
               config: NlpConfig) -> NlpConfig:
    """The answer and passage models and thresholds, and the intent threshold."""
    # intent questions are the intent stage's to catch: they would only teach the model that a
    # well-matched FAQ entry can be wrong
    ranked = [(q, s) for q, s in items if s.faq and s.faq.ranked and q.kind != "intent"]
    rows = [answer_row(s) for _, s in ranked]
    labels = [int(q.kind == "faq" and entry_right(q, s)) for q, s in ranked]
    model = fit_logistic(rows, labels, ANSWER_FEATURES, steps=2000, rate=1.0, signs=SIGNS)
    probs = [model.probability(r) for r in rows]
    cut = threshold(probs, labels, [q.kind == "unknown" for q, _ in ranked])
    print(f"answer model {model}; threshold {cut}")
    # every question, as if no entry answered it: would its best sentence?
    rest = [(q, s) for q, s in ranked if s.passages]
    p_rows = [passage_row(s) for _, s in rest]
    p_labels = [int(q.kind == "faq" and passage_right(q, s)) for q, s in rest]
    p_model = (fit_logistic(p_rows, p_labels, PASSAGE_FEATURES, steps=2000, rate=1.0,
                            signs=SIGNS) if any(p_labels) else Model(-9))
    p_probs = [p_model.probability(r) for r in p_rows]
    p_cut = threshold(p_probs, p_labels, [q.kind == "unknown" for q, _ in rest])
    alone = sum(y for p, y in zip(p_probs, p_labels, strict=True) if p >= p_cut)
    print(f"seed sentences alone (no entry): {alone} of {sum(q.kind == 'faq' for q, _ in rest)}"
          " FAQ questions answered right")
    print(f"passage model {p_model}; threshold {p_cut}")
    suggest = round(min(cut, max(0.05, cut / 4)), 4)
    config = replace(config, answer_model=model, answer_threshold=cut, passage_model=p_model,
                     passage_threshold=p_cut, suggest_threshold=suggest)
    return replace(config, intent_threshold=intent_cut(items))


def intent_cut(items: list[tuple[Question, Signals]]) -> float:
    """The lowest example score (at least 0.3) that takes no non-intent request as an intent."""
    wrong = [s.example.score for q, s in items
             if s.example is not None and s.request > 0 and s.rule is None and q.kind != "intent"]
    return round(max([0.3, *[w + 0.02 for w in wrong]]), 4)


def report(nlp: Understander, config: NlpConfig, measured: list[tuple[Question, Signals]]) -> None:
    """The fit part's accuracy under config, judged on the text each decision would show."""
    right = answered_oos = 0
    for q, s in measured:
        if s.query is not None and s.faq is not None:
            s = passages_with(nlp, search_with(nlp, s, config.faq_weights), config.passage_weights)
        u = decide(s, config, nlp)
        verdict = simulate(nlp, q, u)
        right += verdict == "right"
        answered_oos += verdict == "answered"
        if verdict != "right":
            print(f"  {verdict:8} {q.expect:24} {q.q}  -> {u.intent}/{u.action} {u.confidence}"
                  f" {[m.faq_id for m in u.matches]} {u.passage.key if u.passage else ''}")
    print(f"fit part: {right}/{len(measured)} right ({right / len(measured):.1%}), "
          f"out-of-scope answered: {answered_oos}")


def simulate(nlp: Understander, q: Question, u: Understanding) -> str:
    """right / wrong / answered, from what the understanding would show."""
    text, faq_id = "", None
    if u.intent == "faq" and u.confidence == "high":
        entry = nlp.entry(u.matches[0].faq_id)
        faq_id = entry.id
        text = (entry.answer_en or entry.answer) if u.lang == "en" else entry.answer
    elif u.passage is not None:
        faq_id, text = u.passage.key, u.passage.shown
    intent = "unknown" if u.intent == "faq" and faq_id is None else u.intent  # suggestions
    got = {"intent": intent, "action": u.action, "faq_id": faq_id, "answer": text}
    return judge(q, got)


def write(config: NlpConfig, path: Path) -> None:
    """Rewrite nlp.yaml's fitted values, keeping its comments (one `key: value` line each)."""
    values = {
        "faq_weights": _flow(config.faq_weights.__dict__),
        "passage_weights": _flow(config.passage_weights.__dict__),
        "answer_model": _flow({"bias": config.answer_model.bias, **config.answer_model.coef}),
        "answer_threshold": config.answer_threshold,
        "suggest_threshold": config.suggest_threshold,
        "passage_model": _flow({"bias": config.passage_model.bias,
                                **config.passage_model.coef}),
        "passage_threshold": config.passage_threshold,
        "intent_threshold": config.intent_threshold,
    }
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        key = line.split(":", 1)[0]
        out.append(f"{key}: {values[key]}" if key in values and not line.startswith("#")
                   else line)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"wrote {path}")


def _flow(mapping: dict[str, float]) -> str:
    return "{" + ", ".join(f"{k}: {round(v, 4)}" for k, v in mapping.items()) + "}"


if __name__ == "__main__":
    raise SystemExit(main())
