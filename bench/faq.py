"""FAQ understanding benchmark: the shipped Understander against a plain bigram TF-IDF baseline.

Usage: .venv/bin/python bench/faq.py [--repeat 50] [--questions ../shared/eval/faq-dev.jsonl]

Prints, for the shipped NLP (bot/nlp): jieba start-up, index build time, cold start of a fresh
`python -c` that builds the Understander and answers one question (median of 3, wall time),
answers/s and p50/p99 latency per question over the question set repeated, peak RSS; then dev-set
accuracy with a simple FAQ-only judge (the top entry's answer must contain every expected group,
as in score_faq.py), both for the top-1 entry and for confident answers only. Then the same for a
character-bigram TF-IDF baseline over the same phrasings (cosine, best phrasing per entry).
"""

from __future__ import annotations

import argparse
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

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.nlp import segment  # noqa: E402
from bot.nlp.kb import FaqEntry, load_faq  # noqa: E402
from bot.nlp.normalize import fold  # noqa: E402
from bot.nlp.understander import Understander  # noqa: E402

CONTENT = ROOT / "content"
DEV = ROOT.parent / "shared" / "eval" / "faq-dev.jsonl"
PARAPHRASES = ROOT / "tests" / "nlp" / "paraphrases.yaml"
COLD = ("import time; t = time.perf_counter(); from pathlib import Path; "
        "from bot.nlp.understander import Understander; "
        "u = Understander.from_content(Path('content')); u.understand('什麼是參與式預算'); "
        "print(time.perf_counter() - t)")

Answer = Callable[[str], tuple[str | None, bool]]  # question -> (faq id, confident)


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


def latencies(answer: Answer, questions: list[str], repeat: int) -> list[float]:
    """Seconds per call, every question `repeat` times."""
    out = []
    for _ in range(repeat):
        for question in questions:
            start = time.perf_counter()
            answer(question)
            out.append(time.perf_counter() - start)
    return out


def accuracy(answer: Answer, entries: dict[str, FaqEntry], items: list[dict[str, object]],
             confident_only: bool) -> tuple[int, int]:
    """(passed, total) over the FAQ items: the chosen entry's answer has every expect group."""
    passed = 0
    faq = [i for i in items if i["intent"] == "faq"]
    for item in faq:
        faq_id, confident = answer(str(item["q"]))
        if faq_id is None or (confident_only and not confident):
            continue
        entry = entries[faq_id]
        text = (entry.answer_en or entry.answer) if str(item["q"]).isascii() else entry.answer
        groups = item["expect"]
        assert isinstance(groups, list)
        passed += all(any(alt.lower() in text.lower() for alt in g) for g in groups)
    return passed, len(faq)


def cold_start() -> float:
    """Median wall time of a fresh interpreter that builds the Understander and answers once."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", COLD], cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report_speed(name: str, lat: list[float]) -> None:
    ordered = sorted(lat)
    p50 = ordered[len(ordered) // 2] * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    print(f"{name}: {len(lat) / sum(lat):,.0f} answers/s, p50 {p50:.3f} ms, p99 {p99:.3f} ms "
          f"({len(lat)} calls)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--questions", type=Path, default=DEV)
    args = parser.parse_args()
    items = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    questions = [str(i["q"]) for i in items]

    start = time.perf_counter()
    segment.init(CONTENT / "nlp" / "userdict.txt")
    jieba_s = time.perf_counter() - start
    start = time.perf_counter()
    nlp = Understander.from_content(CONTENT)
    build_s = time.perf_counter() - start
    entries = {e.id: e for e in nlp.entries}

    def shipped(question: str) -> tuple[str | None, bool]:
        u = nlp.understand(question)
        best = u.matches[0].faq_id if u.matches and u.intent in ("faq", "unknown") else None
        return best, u.confidence == "high"

    print(f"content: {len(entries)} FAQ entries, "
          f"{sum(len(e.questions) + len(e.questions_en) for e in entries.values())} phrasings; "
          f"{len(questions)} questions x {args.repeat}")
    print(f"shipped: jieba start-up {jieba_s:.3f} s, index build (content + index) "
          f"{build_s * 1000:.0f} ms, cold start {cold_start():.2f} s (python -c, median of 3)")
    report_speed("shipped", latencies(shipped, questions, args.repeat))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"shipped: peak RSS {rss:.0f} MB (this process), {child:.0f} MB (cold-start child)")
    for label, only in (("top-1", False), ("confident answers", True)):
        ok, total = accuracy(shipped, entries, items, only)
        print(f"shipped: dev FAQ accuracy, {label}: {ok}/{total} ({ok / total:.0%})")

    start = time.perf_counter()
    base = BigramTfidf(load_faq(CONTENT))
    print(f"baseline: index build {(time.perf_counter() - start) * 1000:.0f} ms")

    def baseline(question: str) -> tuple[str | None, bool]:
        best, _ = base.best(question)
        return best, True

    report_speed("baseline", latencies(baseline, questions, max(1, args.repeat // 5)))
    ok, total = accuracy(baseline, entries, items, False)
    print(f"baseline: dev FAQ accuracy, top-1: {ok}/{total} ({ok / total:.0%})")
    for name, answer in (("shipped", shipped), ("baseline", baseline)):
        ok, total = by_id(answer, set(entries))
        print(f"{name}: tests/nlp/paraphrases.yaml FAQ items, top-1 id: {ok}/{total} "
              f"({ok / total:.0%})")
    return 0


def by_id(answer: Answer, known: set[str]) -> tuple[int, int]:
    """(right, total) top-1 ids on the test-only paraphrases whose id exists."""
    items = yaml.safe_load(PARAPHRASES.read_text(encoding="utf-8"))
    faq = [(str(i["q"]), str(i["expect"])) for i in items if str(i["expect"]) in known]
    return sum(answer(q)[0] == want for q, want in faq), len(faq)


if __name__ == "__main__":
    raise SystemExit(main())
