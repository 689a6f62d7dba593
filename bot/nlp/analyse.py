"""From a message to weighted query terms: normalise, segment, then repair what residents type.

Repairs, all driven by the vocabulary of the indexed content (FAQ, seed sentences, intent
examples), so they never invent a word the bot does not know:
- a glued word the vocabulary lacks is split into known words and single characters that have a
  word synonym (進階班 -> 進階 + 班 -> 課程; 初階課 -> 初階 + 課程), so 課 reaches 課程;
- an ASCII word one slip away (Damerau distance 1) from a known ASCII name is corrected
  (pb.taipie -> pb.taipei, i-votting -> i-voting); Chinese slips are data (synonyms.yaml);
- a word still unknown is replaced by its known dictionary sub-words (進校園 -> 校園), the
  longest counting as a whole word;
- before segmenting, a one-character slip of a known word of 3+ characters is corrected
  (住名大會 -> 住民大會, bot/nlp/slips.py).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.nlp.bm25 import Terms, word_grams
from bot.nlp.normalize import Normalizer
from bot.nlp.segment import Segmenter, subwords
from bot.nlp.slips import SlipFixer

ASCII_FUZZY_MIN = 4   # ASCII words shorter than this are never corrected (poc, pb, sdg)
ASIDE_MAX = 10        # a clause about the resident longer than this may hold the question
_CLAUSE_RE = re.compile(r"[\s,，。.!！?？、；;~～…]+")


@dataclass(frozen=True)
class Query:
    """A normalised message, analysed once and searched in every index."""

    text: str
    words: tuple[str, ...]      # content words after repairs (stopwords removed)
    terms: Terms                # weighted terms: words and dictionary sub-words
    grams: frozenset[str]       # character bi/tri-grams of the content words
    unknown: tuple[str, ...]    # words (2+ characters) no index knows, even after repairs


class Analyser:
    """Normaliser + segmenter + the vocabulary the repairs and unknown-word checks use."""

    def __init__(self, normalizer: Normalizer, segmenter: Segmenter,
                 subword_weight: float = 0.5, filler: Iterable[str] = ()) -> None:
        self.normalizer, self.segmenter = normalizer, segmenter
        filler = list(filler)
        self.filler = _filler_pattern(normalizer, [f for f in filler if not f.endswith("…")])
        self.aside_starts = tuple(f[:-1] for f in filler if f.endswith("…") and len(f) > 1)
        self.subword_weight = subword_weight
        self.vocabulary: set[str] = set()
        self.slips = SlipFixer(segmenter.stopwords)
        self._deletions: dict[str, set[str]] = defaultdict(set)
        # single characters that stand for a whole word (課 -> 課程, 幾 -> 多少)
        self.single = {k: v for k, v in segmenter.synonyms.items() if len(k) == 1}

    def words(self, text: str) -> tuple[str, ...]:
        """Content words of any text (no repairs): what indexes are built from."""
        return self._words(text)

    @functools.lru_cache(maxsize=2048)  # noqa: B019 - one analyser per process, bounded
    def _words(self, text: str) -> tuple[str, ...]:
        return tuple(self.segmenter.content_words(self.normalizer(text)))

    def learn(self, terms: Iterable[str]) -> None:
        """Add indexed terms to the vocabulary (call before the first query)."""
        for term in terms:
            if term in self.vocabulary:
                continue
            self.vocabulary.add(term)
            self.slips.learn(term)
            if term.isascii() and len(term) >= ASCII_FUZZY_MIN:
                for variant in _deletes(term):
                    self._deletions[variant].add(term)
        self._split.cache_clear()

    def doc_terms(self, words: Sequence[str]) -> dict[str, float]:
        """Index terms: a word counts 1, each dictionary sub-word of it subword_weight."""
        terms: dict[str, float] = defaultdict(float)
        for word in words:
            terms[word] += 1.0
            for part in subwords(word):
                if part not in self.segmenter.stopwords:
                    terms[part] += self.subword_weight
        return terms

    def analyse(self, text: str, normalised: str | None = None) -> Query:
        """The query for a message (normalised here unless the caller already did)."""
        normalised = self.normalizer(text) if normalised is None else normalised
        normalised = self.slips.fix(self.strip_filler(normalised))
        words = self.repair(self.segmenter.content_words(normalised))
        unknown = tuple(w for w in words if len(w) > 1 and self.known_share(w) == 0.0)
        return Query(normalised, tuple(words), self._query_terms(words), word_grams(words),
                     unknown)

    def strip_filler(self, normalised: str) -> str:
        """The message without the asides around a question (我看不懂, 謝啦, 請問一下喔: see
        content/nlp/filler.txt), which a segmenter cuts into odd single characters; a message
        that is nothing but filler is kept whole."""
        if self.filler is None:
            return normalised
        stripped = self.filler.sub(" ", normalised).strip()
        return stripped if stripped else normalised

    def drop_asides(self, text: str) -> str:
        """The raw message without short clauses about the resident (「我是新住民」「我住士林」:
        filler.txt lines ending in …), when another clause is left to ask the question."""
        if not self.aside_starts:
            return text
        clauses = [c for c in _CLAUSE_RE.split(text) if c]
        kept = [c for c in clauses
                if not (len(c) <= ASIDE_MAX and c.startswith(self.aside_starts))]
        return " ".join(kept) if kept and len(kept) < len(clauses) else text

    def repair(self, words: Sequence[str]) -> list[str]:
        """Glued words split, ASCII slips corrected (see the module docstring)."""
        out: list[str] = []
        for word in words:
            if word in self.vocabulary:
                out.append(word)
            elif word.isascii():
                out.append(self._correct(word))
            else:
                out += self._split(word)
        return out

    def known_share(self, word: str) -> float:
        """1 for a known word; else the longest known sub-word's share of its length."""
        if word in self.vocabulary:
            return 1.0
        parts = [len(s) for s in subwords(word) if s in self.vocabulary]
        return max(parts, default=0) / len(word)

    def coverage(self, query: Query) -> float:
        """Share of the query's content words (by length) the vocabulary knows."""
        total = sum(len(w) for w in query.words)
        known = sum(len(w) * self.known_share(w) for w in query.words)
        return known / total if total else 0.0

    def _correct(self, word: str) -> str:
        if len(word) < ASCII_FUZZY_MIN:
            return word
        variants = (word, *_deletes(word))
        found = {t for v in variants for t in self._deletions.get(v, ())}
        found |= {v for v in variants[1:] if v in self.vocabulary}  # one character too many
        close = sorted(t for t in found if _osa(word, t) <= 1)
        return close[0] if len(close) == 1 else word

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one analyser per process, bounded
    def _split(self, word: str) -> tuple[str, ...]:
        """Split an unknown Chinese word into known pieces, fewest unknown characters first;
        single characters that are stopwords or unknown are dropped (要學 -> 學, 進校園 -> 校園,
        簽了 -> nothing).
        """
        n = len(word)
        stop = self.segmenter.stopwords
        none: tuple[str, ...] = ()
        best = [(0, 0, none)] + [(n + 1, n + 1, none)] * n
        for end in range(1, n + 1):
            for start in range(max(0, end - 12), end):
                piece = word[start:end]
                known = (piece in self.single or piece in stop
                         or (len(piece) > 1 and piece in self.vocabulary))
                cost = best[start][0] + (0 if known else len(piece))
                parts = best[start][1] + 1
                if (cost, parts) < best[end][:2]:
                    # stopwords go; so does an unknown single character next to known words
                    dropped = piece in stop or (len(piece) == 1 and not known)
                    kept = () if dropped else (self.single.get(piece, piece),)
                    best[end] = (cost, parts, (*best[start][2], *kept))
        cost, _, pieces = best[n]
        if cost >= n:
            return (word,)   # nothing of it is known: an unknown word, and said so
        return pieces        # () when only a particle and unknown characters were left (簽了)

    def _query_terms(self, words: Sequence[str]) -> dict[str, float]:
        terms: dict[str, float] = defaultdict(float)
        for word in words:
            known = [p for p in subwords(word) if p in self.vocabulary]
            if word in self.vocabulary or not known:
                terms[word] += 1.0
                for part in known:
                    terms[part] += self.subword_weight
                continue
            longest = max(known, key=len)
            for part in known:
                terms[part] += 1.0 if part == longest else self.subword_weight
        return terms


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _osa(a: str, b: str) -> int:
    """Optimal string alignment distance (edits and adjacent swaps)."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def _filler_pattern(normalizer: Normalizer, phrases: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for the filler phrases, normalised as messages are, longest first."""
    folded = {normalizer(p).replace(" ", "") for p in phrases}
    ordered = sorted((p for p in folded if p), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered))) if ordered else None


def read_filler(path: Path) -> list[str]:
    """Filler phrases, one a line (# comments); none when the file is missing."""
    if not path.exists():
        return []
    lines = (ln.split("#", 1)[0].strip() for ln in path.read_text(encoding="utf-8").splitlines())
    return [ln for ln in lines if ln]
