"""FAQ understanding benchmark: the shipped Understander against a plain bigram TF-IDF baseline.

Usage: .venv/bin/python bench/faq.py [--repeat 5] [--questions FILE]

Prints, for the shipped NLP (bot/nlp): jieba start-up, index build time, cold start of a fresh
`python -c` that builds the Understander and answers one question and of `run.py ask QUESTION`
(median of 3, wall time),
answers/s and p50/p99 latency per question over the question set repeated, peak RSS; then the
accuracy of the labelled set (tests/nlp/questions.yaml, the default question set) per part,
judged through the router as score_faq.py judges `run.py ask --json`; then FAQ top-1 (the top
entry's answer contains every expected group) for the shipped ranking and for a
character-bigram TF-IDF baseline over the same phrasings (cosine, best phrasing per entry).
A last line, FIGURES, gives the four figures of issue 20: right answers per part, p99 answer
time, peak RSS and `run.py ask` cold start.
FILE may also be a JSONL question set with "q", "intent" and "expect" (score_faq.py's format).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.cli.ask import answer  # noqa: E402
from bot.content import Content  # noqa: E402
from bot.handlers.deps import Deps  # noqa: E402
from bot.nlp import segment  # noqa: E402
from bot.nlp.kb import FaqEntry, load_faq  # noqa: E402
from bot.nlp.normalize import fold  # noqa: E402
from bot.nlp.understander import Understander  # noqa: E402
from tests.nlp.questions import (  # noqa: E402
    QUESTIONS,
    Question,
    judge,
    load,
    misses,
    summary,
)

CONTENT = ROOT / "content"
COLD = ("import time; t = time.perf_counter(); from pathlib import Path; "
        "from bot.nlp.understander import Understander; "
        "u = Understander.from_content(Path('content')); u.understand('什麼是參與式預算'); "
        "print(time.perf_counter() - t)")

Answer = Callable[[str], str | None]  # question -> the entry it ranks first


class BigramTfidf:
    """The baseline: folded text, character bigrams, TF-IDF cosine, best phrasing per entry."""

    def __init__(self, entries: list[FaqEntry]) -> None:
        self.owners: list[str] = []
        raw: list[Counter[str]] = []
        for entry in entries:
            for question in entry.questions + entry.questions_en:
                raw.append(self._grams(question))
                self.owners.append(entry.id)
        df = Counter(g for grams in raw for g in grams)
        self.idf = {g: math.log(len(raw) / n) + 1.0 for g, n in df.items()}
        self.docs = [self._vector(grams) for grams in raw]

    @staticmethod
    def _grams(text: str) -> Counter[str]:
        folded = fold(text).replace(" ", "")
        return Counter(folded[i:i + 2] for i in range(max(len(folded) - 1, 1)))

    def _vector(self, grams: Counter[str]) -> dict[str, float]:
        vec = {g: tf * self.idf.get(g, 0.0) for g, tf in grams.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {g: v / norm for g, v in vec.items()}

    def best(self, question: str) -> tuple[str | None, float]:
        query = self._vector(self._grams(question))
        scores: dict[str, float] = defaultdict(float)
        for owner, doc in zip(self.owners, self.docs, strict=True):
            score = sum(w * doc.get(g, 0.0) for g, w in query.items())
            scores[owner] = max(scores[owner], score)
        if not scores:
            return None, 0.0
        top = max(scores, key=lambda k: scores[k])
        return top, scores[top]


def latencies(ask: Callable[[str], object], questions: list[str], repeat: int) -> list[float]:
    """Seconds per call, every question `repeat` times."""
    out = []
    for _ in range(repeat):
        for question in questions:
            start = time.perf_counter()
            ask(question)
            out.append(time.perf_counter() - start)
    return out


def top1(first: Answer, entries: dict[str, FaqEntry], items: list[Question]) -> tuple[int, int]:
    """(right, total) over the FAQ items: the first entry's answer has every expected group."""
    faq = [i for i in items if i.kind == "faq"]
    right = 0
    for item in faq:
        faq_id = first(item.q)
        if faq_id is not None:
            entry = entries[faq_id]
            right += item.text_ok((entry.answer_en or entry.answer) if item.q.isascii()
                                  else entry.answer)
    return right, len(faq)


def cold_start(command: list[str] | None = None) -> float:
    """Median wall time of a fresh interpreter that builds the Understander and answers once
    (command: another command line, e.g. `run.py ask QUESTION`)."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(command or [sys.executable, "-c", COLD], cwd=ROOT, check=True,
                       capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


ASK = [sys.executable, "run.py", "ask", "什麼是參與式預算"]


def report_speed(name: str, lat: list[float]) -> None:
    ordered = sorted(lat)
    p50 = ordered[len(ordered) // 2] * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    print(f"{name}: {len(lat) / sum(lat):,.0f} answers/s, p50 {p50:.3f} ms, p99 {p99:.3f} ms "
          f"({len(lat)} calls)")


def read_questions(path: Path) -> list[Question]:
    """The labelled YAML set, or a score_faq.py JSONL set (parts named after the file)."""
    if path.suffix != ".jsonl":
        return load(path=path)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return [Question(str(r["q"]), str(r["intent"]) if r["intent"] in ("faq", "unknown")
                     else f"intent:{r['intent']}", tuple(tuple(g) for g in r["expect"]),
                     path.stem) for r in rows]


def accuracy(nlp: Understander, items: list[Question]) -> str:
    """Per part: right answers and out-of-scope questions answered, through the router;
    returns the parts' right/total, e.g. 'fit 257/260, test 249/259'."""
    deps = Deps(content=Content.load(CONTENT), nlp=nlp)

    async def answers(part: list[Question]) -> list[dict[str, object]]:
        return [await answer(deps, i.q) for i in part]

    rights: list[str] = []
    for name in sorted({i.part for i in items}):
        part = [i for i in items if i.part == name]
        gots = asyncio.run(answers(part))
        verdicts = [judge(i, g) for i, g in zip(part, gots, strict=True)]
        got = summary(part, verdicts)
        print(f"accuracy, {name} part: {got['right']}/{got['total']} ({got['accuracy']:.1%}); "
              f"out-of-scope answered {got['out_of_scope_answered']}/{got['out_of_scope']}; "
              f"by kind (right, total) {got['by_kind']}; misses {misses(part, gots, verdicts)}")
        rights.append(f"{name} {got['right']}/{got['total']} "
                      f"(out-of-scope answered {got['out_of_scope_answered']})")
    return ", ".join(rights)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    args = parser.parse_args()
    items = read_questions(args.questions)
    questions = [i.q for i in items]

    start = time.perf_counter()
    segment.init(CONTENT / "nlp" / "userdict.txt")
    jieba_s = time.perf_counter() - start
    start = time.perf_counter()
    nlp = Understander.from_content(CONTENT)
    build_s = time.perf_counter() - start
    entries = {e.id: e for e in nlp.entries}
    print(f"content: {len(entries)} FAQ entries, "
          f"{sum(len(e.questions) + len(e.questions_en) for e in entries.values())} phrasings, "
          f"{len(nlp.passages.passages)} seed sentences; "
          f"{len(questions)} questions x {args.repeat}")
    ask_s = cold_start(ASK)
    print(f"shipped: jieba start-up {jieba_s:.3f} s, index build (content + index) "
          f"{build_s * 1000:.0f} ms, cold start {cold_start():.2f} s (python -c, median of 3), "
          f"`run.py ask` cold start {ask_s:.2f} s (median of 3)")
    lat = latencies(nlp.understand_fresh, questions, args.repeat)
    report_speed("shipped", lat)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"shipped: peak RSS {rss:.0f} MB (this process), {child:.0f} MB (cold-start children)")
    rights = accuracy(nlp, items)
    p99 = sorted(lat)[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
    print(f"FIGURES: right {rights}; p99 answer {p99:.3f} ms (target < 2); peak RSS "
          f"{max(rss, child):.0f} MB (target < 150); `run.py ask` cold start {ask_s:.2f} s "
          f"(target < 1)")

    def shipped(question: str) -> str | None:
        s = nlp.measure(question, intents=False)
        return nlp.entries[s.faq.ranked[0].item].id if s.faq and s.faq.ranked else None

    base = BigramTfidf(load_faq(CONTENT))
    report_speed("baseline", latencies(base.best, questions, 1))
    for name, first in (("shipped", shipped), ("baseline", lambda q: base.best(q)[0])):
        for part in sorted({i.part for i in items}):
            ok, total = top1(first, entries, [i for i in items if i.part == part])
            print(f"{name}: FAQ top-1, {part} part: {ok}/{total} ({ok / max(total, 1):.0%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
