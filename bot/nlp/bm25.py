"""BM25 over FAQ phrasings (the entry's tags and answer as weaker fields), and an
IDF-weighted character n-gram similarity. Written here (~150 lines), no dependency.

Terms carry weights: a whole word counts 1, a dictionary sub-word of a longer word counts less
(see retriever.py), so 「提案審議工作坊」 still meets 「審議工作坊」 without the compound
outweighing the rest of the question.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from typing import NamedTuple

Terms = Mapping[str, float]  # term -> weighted frequency


def idf(df: int, n: int) -> float:
    """BM25's IDF (always positive); df = 0 gives the largest value, for unseen terms."""
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


class Fit(NamedTuple):
    """How one phrasing fits a query, both 0..1: the IDF-weighted share of the query it covers
    (recall) and the BM25 share of the phrasing the query covers (precision)."""

    recall: float
    precision: float


class Bm25Fields:
    """Documents are phrasings, each owned by an entry. A query term found in the phrasing
    counts by its BM25 term score relative to the query's own (capped at 1); found only in the
    owner's tags, `tag_weight`; only in its answer, `answer_weight`. IDF is counted per entry
    over phrasings and tags, so an entry's many phrasings do not make its words look common."""

    def __init__(self, docs: Sequence[Terms], owners: Sequence[int], tags: Sequence[Terms],
                 answers: Sequence[Iterable[str]], k1: float = 1.2, b: float = 0.75,
                 tag_weight: float = 0.5, answer_weight: float = 0.3) -> None:
        self.k1, self.b, self.owners = k1, b, list(owners)
        self.k1_plus_1 = k1 + 1.0
        self.tag_weight, self.answer_weight = tag_weight, answer_weight
        self.lengths = [sum(d.values()) for d in docs]
        self.avgdl = (sum(self.lengths) / len(docs)) if docs else 1.0
        self.docs_of: dict[int, list[int]] = defaultdict(list)
        self.postings: dict[str, list[int]] = defaultdict(list)   # term -> phrasings
        seen: dict[str, set[int]] = defaultdict(set)
        for number, (doc, owner) in enumerate(zip(docs, owners, strict=True)):
            self.docs_of[owner].append(number)
            for term in doc:
                self.postings[term].append(number)
                seen[term].add(owner)
        self.tags = [frozenset(t) for t in tags]
        self.answers = [frozenset(a) for a in answers]
        self.side: dict[str, set[int]] = defaultdict(set)  # term -> entries (tags, answer)
        for entry, (tag_terms, answer_terms) in enumerate(zip(self.tags, self.answers,
                                                              strict=True)):
            for term in tag_terms:
                seen[term].add(entry)
            for term in tag_terms | answer_terms:
                self.side[term].add(entry)
        n = max(len(tags), 1)
        self.idf = {term: idf(len(o), n) for term, o in seen.items()}
        self.unseen_idf = idf(0, n)
        self.doc_self = [self._score(d, d, length)
                         for d, length in zip(docs, self.lengths, strict=True)]
        # per phrasing, what `_sat` computes from its length (the same expression, so the
        # same floats), and its terms' frequencies
        self.norms = [self._norm(length) for length in self.lengths]
        self.doc_terms = [dict(d) for d in docs]
        # term -> (entry, its first phrasing) for the entries with phrasings in `side`, in the
        # order its set gives them (the order `candidates` adds them in)
        self.side_first = {term: [(e, self.docs_of[e][0]) for e in entries if e in self.docs_of]
                           for term, entries in self.side.items()}

    def weight(self, term: str) -> float:
        """The term's IDF (the unseen-term IDF when no phrasing or tag has it)."""
        return self.idf.get(term, self.unseen_idf)

    def _norm(self, length: float) -> float:
        return self.k1 * (1.0 - self.b + self.b * length / self.avgdl)

    def _sat(self, tf: float, length: float) -> float:
        return tf * self.k1_plus_1 / (tf + self._norm(length))

    def _score(self, query: Terms, doc: Terms, length: float) -> float:
        return sum(self.weight(t) * self._sat(doc[t], length) for t in query if t in doc)

    def candidates(self, query: Terms, extra: Iterable[int] = ()) -> set[int]:
        """Phrasings sharing a term with the query, plus extra, plus the first phrasing of
        each entry that shares one only through its tags or answer."""
        found = {doc for t in query for doc in self.postings.get(t, ())} | set(extra)
        reached = {self.owners[d] for d in found}
        for term in query:
            for entry, first in self.side_first.get(term, ()):
                if entry not in reached:
                    found.add(first)
                    reached.add(entry)
        return found

    def fits(self, query: Terms, extra: Iterable[int] = (),
             owners: Container[int] | None = None) -> dict[int, Fit]:
        """The fit of every candidate phrasing (see `candidates`), of the given owners only
        when owners is given."""
        if not query:
            return {}
        fit = self.scorer(query, self.masses(query))
        return {d: Fit(*fit(d)) for d in self.candidates(query, extra)
                if owners is None or self.owners[d] in owners}

    def masses(self, query: Terms) -> list[tuple[str, float, float]]:
        """(term, IDF x weight, IDF) per query term, in the query's order."""
        out = []
        for term, weight in query.items():
            idf = self.weight(term)
            out.append((term, idf * weight, idf))
        return out

    def scorer(self, query: Terms, masses: list[tuple[str, float, float]]
               ) -> Callable[[int], tuple[float, float]]:
        """The fit (recall, precision) of a phrasing (by position) to the query, which has
        terms, and its `masses`; a plain pair, for speed."""
        self_sat = self._sat(1.0, sum(query.values()))
        total = sum(m for _, m, _ in masses)
        return functools.partial(self._fit, mass=masses, self_sat=self_sat, total=total)

    def _fit(self, doc: int, mass: list[tuple[str, float, float]], self_sat: float,
             total: float) -> tuple[float, float]:
        """mass: (term, IDF x weight, IDF) per query term, in the query's order."""
        owner, terms = self.owners[doc], self.doc_terms[doc]
        tags, answers = self.tags[owner], self.answers[owner]
        k1_plus_1, norm = self.k1_plus_1, self.norms[doc]
        covered = score = 0.0
        for term, m, term_idf in mass:
            tf = terms.get(term)
            if tf:
                sat = tf * k1_plus_1 / (tf + norm)   # `_sat`, its norm computed once
                score += term_idf * sat
                share = sat / self_sat
                covered += m * (share if share < 1.0 else 1.0)
            elif term in tags:
                covered += m * self.tag_weight
            elif term in answers:
                covered += m * self.answer_weight
        recall, precision = covered / total, score / (self.doc_self[doc] or 1.0)
        return (recall if recall < 1.0 else 1.0), (precision if precision < 1.0 else 1.0)


def char_grams(text: str) -> set[str]:
    """Character bigrams and trigrams of text (the text itself when shorter)."""
    if len(text) < 2:
        return {text} if text else set()
    grams = {text[i:i + 2] for i in range(len(text) - 1)}
    grams.update(text[i:i + 3] for i in range(len(text) - 2))
    return grams


def word_grams(words: Sequence[str]) -> frozenset[str]:
    """N-grams of content words: character bi/tri-grams across each run of Chinese words
    (typos, odd segmentation), and each ASCII word whole (so one English or Latin-script name
    does not outweigh the Chinese words around it)."""
    grams: set[str] = set()
    run: list[str] = []
    for word in [*words, ""]:
        if word and not word.isascii():
            run.append(word)
            continue
        grams |= char_grams("".join(run))
        run = []
        if word:
            grams.add(word)
    return frozenset(grams)


class GramIndex:
    """Weighted Dice similarity on character n-grams, weights = IDF per owner."""

    def __init__(self, docs: Sequence[frozenset[str]], owners: Sequence[int],
                 n_owners: int) -> None:
        self.postings: dict[str, list[int]] = defaultdict(list)
        seen: dict[str, set[int]] = defaultdict(set)
        for number, (grams, owner) in enumerate(zip(docs, owners, strict=True)):
            for gram in grams:
                self.postings[gram].append(number)
                seen[gram].add(owner)
        n = max(n_owners, 1)
        self.idf = {g: idf(len(o), n) for g, o in seen.items()}
        self.unseen_idf = idf(0, n)
        self.mass = [sum(self.idf[g] for g in grams) for grams in docs]

    def scores(self, grams: frozenset[str]) -> dict[int, float]:
        """Weighted Dice 2·w(Q∩D) / (w(Q)+w(D)) for each document sharing an n-gram."""
        shared: dict[int, float] = defaultdict(float)
        query_mass = 0.0
        known, postings = self.idf, self.postings
        for gram in grams:
            weight = known.get(gram)
            if weight is None:
                query_mass += self.unseen_idf
                continue
            query_mass += weight
            for doc in postings[gram]:
                shared[doc] += weight
        mass = self.mass
        return {doc: 2.0 * w / (query_mass + mass[doc]) for doc, w in shared.items()}
