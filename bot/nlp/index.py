"""One retrieval index, used for FAQ entries, seed sentences and intent examples alike.

An *item* (an entry, a sentence, an intent action) has short *phrasings* (the documents), *tags*
(a weaker field) and a longer *text* (its answer, its paragraph). For a query, each candidate
item gets four features, all 0..1 (see `Features`), and a fused score

    score = (R·recall + P·precision + N·dice + S·surface + C·cover + A·asked) / (R+P+N+S+C+A)

with recall, precision, dice and surface taken from the item's best phrasing (by R·recall +
P·precision + N·dice + S·surface), cover from the item's whole text and asked from all its
phrasings. The weights are fitted
on labelled questions (bench/fit_faq.py) and live in content/nlp/nlp.yaml.
"""

from __future__ import annotations

import functools
import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from bot.common.yamlfile import read_yaml
from bot.nlp.analyse import Analyser, Query
from bot.nlp.bm25 import Bm25Fields, GramIndex, word_grams

PRUNE = 12   # items whose phrasings are scored in full, per source of candidates


@dataclass(frozen=True)
class Item:
    """What an index is built from, per item."""

    phrasings: tuple[str, ...]
    tags: tuple[str, ...] = ()
    text: tuple[str, ...] = ()    # longer texts (an answer and its translation, a paragraph)


@dataclass(frozen=True)
class Weights:
    """Fusion weights of the features (content/nlp/nlp.yaml: faq_weights, passage_weights ...)."""

    recall: float = 0.5
    precision: float = 0.2
    dice: float = 0.3
    cover: float = 0.0
    surface: float = 0.0
    asked: float = 0.0


@dataclass(frozen=True)
class Features:
    """How an item fits a query.

    recall: IDF-weighted share of the query's terms its best phrasing covers (BM25 term credit;
        terms only in its tags or text earn tag_weight / text_weight);
    precision: BM25 share of that phrasing the query covers;
    dice: IDF-weighted Dice of character n-grams (typos, odd segmentation);
    cover: IDF-weighted share of the query's terms found anywhere in the item (all phrasings,
        tags and text): a question about a detail of the answer still meets its entry;
    asked: the same share over the item's phrasings only (is this what the item is asked as);
    surface: Dice of character bigrams of the whole normalised texts, question words and all
        (「怎麼提案」 is closer to 「怎麼提案」 than to 「我可以提案嗎」).
    """

    recall: float
    precision: float
    dice: float
    cover: float
    asked: float = 0.0
    surface: float = 0.0


class Scored(NamedTuple):
    """An item's fused score and its features' values (a `Features` only for the best)."""

    score: float
    recall: float
    precision: float
    dice: float
    cover: float
    asked: float
    surface: float

    def features(self) -> Features:
        """The values as `Features`."""
        return Features(self.recall, self.precision, self.dice, self.cover, self.asked,
                        self.surface)


@dataclass(frozen=True)
class Hit:
    """One item (by position) with its fused score and features."""

    item: int
    score: float
    features: Features


class FieldIndex:
    """BM25 on words + weighted character n-grams + whole-item coverage; build once."""

    def __init__(self, analyser: Analyser, items: Sequence[Item], *, k1: float = 1.2,
                 b: float = 0.75, tag_weight: float = 0.5, text_weight: float = 0.3,
                 known: bool = True) -> None:
        owners, docs, grams, self.surfaces = [], [], [], []
        for number, item in enumerate(items):
            for phrasing in item.phrasings:
                normalised = analyser.normalizer(phrasing)
                words = analyser.segmenter.content_words(normalised)
                if words:
                    owners.append(number)
                    docs.append(analyser.doc_terms(words))
                    grams.append(word_grams(words))
                    self.surfaces.append(bigrams(normalised))
        tags = [analyser.doc_terms(analyser.words(" ".join(i.tags))) for i in items]
        texts = [analyser.doc_terms([w for part in i.text for w in analyser.words(part)])
                 for i in items]
        self.owners = owners
        self.bm25 = Bm25Fields(docs, owners, tags, texts, k1, b, tag_weight, text_weight)
        self.ngrams = GramIndex(grams, owners, len(items))
        self.asked: list[set[str]] = [set() for _ in items]
        for doc, owner in zip(docs, owners, strict=True):
            self.asked[owner].update(doc)
        self.whole = [a | set(t) | set(x) for a, t, x in zip(self.asked, tags, texts, strict=True)]
        self.items_of = _postings(self.whole)        # term -> items having it anywhere
        self.asked_of = _postings(self.asked)        # term -> items with it in a phrasing
        self.terms = {t for terms in (*docs, *tags, *texts) for t in terms}
        if known:  # its words become words the bot knows (coverage, repairs)
            analyser.learn(self.terms)

    def search(self, query: Query, weights: Weights, limit: int = 3) -> list[Hit]:
        """The best `limit` items, best first; a tie goes to the phrasing that reads most like
        the question (「我要怎麼提案」: 要怎麼提案 before 可以提案嗎), then to position."""
        scored = self.features(query, weights, limit)
        ranked = sorted(scored.items(), key=lambda kv: (-round(kv[1].score, 4), -kv[1].surface,
                                                        kv[0]))[:limit]
        return [Hit(item, round(min(1.0, s.score), 4), s.features()) for item, s in ranked
                if s.score > 0]

    def features(self, query: Query, w: Weights, limit: int | None = None) -> dict[int, Scored]:
        """The fused score and features of the promising items (see `_candidates`); with limit,
        only of those that may rank among the best `limit` (by rounded score)."""
        if not query.terms:
            return {}
        masses = self.bm25.masses(query.terms)
        shares, dice, docs_of = self._candidates(query, masses)
        total = (w.recall + w.precision + w.dice + w.surface + w.cover + w.asked) or 1.0
        bound = {i: self._bound(docs, dice, shares.get(i, (0.0, 0.0)), w, total)
                 for i, docs in docs_of.items()}
        fit, surface = self.bm25.scorer(query.terms, masses), bigrams(query.text)
        prune = limit is not None and min(w.recall, w.precision, w.dice, w.surface, w.cover,
                                          w.asked) >= 0.0
        floor: list[float] = []   # the best `limit` rounded scores so far (a min-heap)
        out: dict[int, Scored] = {}
        for item in sorted(docs_of, key=bound.__getitem__, reverse=True) if prune else docs_of:
            if prune and len(floor) == limit and round(bound[item], 4) < floor[0]:
                break   # neither this item nor any after it can be among the best
            out[item] = self._scored(docs_of[item], fit, dice, surface, w, total,
                                     shares.get(item, (0.0, 0.0)))
            if prune:
                heapq.heappush(floor, round(out[item].score, 4))
                if len(floor) > (limit or 0):
                    heapq.heappop(floor)
        return out

    def key_share(self, query: Query, item: int, most: int) -> float:
        """IDF-weighted share of the query's terms that are rare in this index (held, answer
        and tags included, by at most `most` items) and held by `item`: how much of what is
        specific in a question points at this item (a detail only its answer gives)."""
        masses = self.bm25.masses(query.terms)
        total = sum(m for _, m, _ in masses)
        if not total:
            return 0.0
        key = 0.0
        for term, mass, _ in masses:
            holders = self.items_of.get(term, ())
            if len(holders) <= most and item in holders:
                key += mass
        return key / total

    def _candidates(self, query: Query, masses: list[tuple[str, float, float]]
                    ) -> tuple[dict[int, tuple[float, float]], dict[int, float],
                               dict[int, list[int]]]:
        """The items' coverage shares, the phrasings' n-gram Dice, and the candidate phrasings
        (`Bm25Fields.candidates`, in its order) of the promising items: the PRUNE best by
        whole-item and phrasing coverage, plus the owners of the best n-gram matches (typos)."""
        total_mass = sum(m for _, m, _ in masses) or 1.0
        touched = {i for t, _, _ in masses for i in self.items_of.get(t, ())}
        shares = self._shares(masses, touched, total_mass)
        dice = self.ngrams.scores(query.grams)
        # sorted by value, largest first, ties in iteration order: as sorting by -value
        reach = {i: whole + asked for i, (whole, asked) in shares.items()}
        keep = set(sorted(touched, key=reach.__getitem__, reverse=True)[:PRUNE])
        keep |= {self.owners[d] for d in sorted(dice, key=dice.__getitem__, reverse=True)[:PRUNE]}
        docs_of: dict[int, list[int]] = {}
        owners = self.owners
        for doc in [d for d in self.bm25.candidates(query.terms, dice.keys())
                    if owners[d] in keep]:
            docs_of.setdefault(owners[doc], []).append(doc)
        return shares, dice, docs_of

    def _scored(self, docs: list[int], fit: Callable[[int], tuple[float, float]],
                dice: dict[int, float], surface: frozenset[str], w: Weights, total: float,
                shares: tuple[float, float]) -> Scored:
        """An item scored by its best phrasing among docs (the first of equals)."""
        best: tuple[float, int, float, float, float | None] | None = None
        for doc in docs:
            recall, precision = fit(doc)
            part = w.recall * recall + w.precision * precision + w.dice * dice.get(doc, 0)
            similar = None
            if w.surface:
                similar = _dice(surface, self.surfaces[doc])
                part += w.surface * similar
            if best is None or part > best[0]:
                best = (part, doc, recall, precision, similar)
        assert best is not None
        part, doc, recall, precision, similar = best
        if similar is None:
            similar = _dice(surface, self.surfaces[doc])
        cover, asked = shares
        return Scored((part + w.cover * cover + w.asked * asked) / total, recall, precision,
                      dice.get(doc, 0.0), cover, asked, similar)

    @staticmethod
    def _bound(docs: list[int], dice: dict[int, float], shares: tuple[float, float],
               w: Weights, total: float) -> float:
        """The most an item may score: `_scored`'s sum with recall, precision and surface at
        their ceiling 1 and its best n-gram Dice; float rounding is monotonic, so (weights not
        negative) none of its phrasings scores above it."""
        best_dice = max(dice.get(d, 0) for d in docs) if w.dice else 0.0   # 0 x any is 0
        part = w.recall * 1.0 + w.precision * 1.0 + w.dice * best_dice
        if w.surface:
            part += w.surface * 1.0
        cover, asked = shares
        return (part + w.cover * cover + w.asked * asked) / total

    def _shares(self, masses: list[tuple[str, float, float]], touched: set[int],
                total_mass: float) -> dict[int, tuple[float, float]]:
        """Per touched item, the share of the query's mass found anywhere in it and in its
        phrasings. Summed term by term in the query's order from each term's postings: the
        same additions, in the same order, as summing over the query's terms per item."""
        whole: dict[int, float] = dict.fromkeys(touched, 0.0)
        asked: dict[int, float] = dict.fromkeys(touched, 0.0)
        for term, mass, _ in masses:
            for item in self.items_of.get(term, ()):
                whole[item] += mass
            for item in self.asked_of.get(term, ()):
                asked[item] += mass
        return {i: (whole[i] / total_mass, asked[i] / total_mass) for i in touched}


def _postings(term_sets: Sequence[set[str]]) -> dict[str, list[int]]:
    """term -> the positions of the sets that hold it, in position order."""
    postings: dict[str, list[int]] = {}
    for number, terms in enumerate(term_sets):
        for term in terms:
            postings.setdefault(term, []).append(number)
    return postings


@functools.lru_cache(maxsize=1024)
def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of normalised text without its spaces (the text when shorter)."""
    flat = text.replace(" ", "")
    return frozenset(flat[i:i + 2] for i in range(len(flat) - 1)) or frozenset({flat})


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2.0 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


class GroupIndex:
    """Named groups of phrasings (intent examples, out-of-scope questions) as one index."""

    def __init__(self, analyser: Analyser, groups: dict[str, list[str]], *,
                 known: bool = True) -> None:
        self.names = list(groups)
        self.index = FieldIndex(analyser, [Item(tuple(texts)) for texts in groups.values()],
                                known=known)

    def best(self, query: Query, weights: Weights) -> tuple[str, Hit] | None:
        """The best group's name and hit, if any group shares a word with the query."""
        hits = self.index.search(query, weights, limit=1)
        return (self.names[hits[0].item], hits[0]) if hits else None


def read_groups(path: Path) -> dict[str, list[str]]:
    """A YAML file of NAME: [phrasings] ({} when missing); ValueError when malformed."""
    raw: Any = read_yaml(path) or {}
    raw = raw or {}
    if not isinstance(raw, dict) or not all(
            isinstance(v, list) and all(isinstance(t, str) for t in v) for v in raw.values()):
        raise ValueError(f"{path.name}: expected NAME: [phrasings]")
    return {str(k): [str(t) for t in v] for k, v in raw.items()}
