"""FAQ retrieval: BM25 on words + weighted character n-grams, calibrated to a 0..1 score.

Every phrasing p of every entry (questions and questions_en) is a document. For a question q:
    s(p) = (R * recall + P * precision + N * dice) / (R + P + N)         (nlp.yaml weights)
recall: IDF-weighted share of q's terms that p covers, each term credited by its BM25 term
    score relative to q's own (so 1 when p has it); a term only in the entry's tags or answer
    gets tag_weight / answer_weight instead;
precision: BM25 share of p's own score that q's terms make up (short generic phrasings should
    not win a specific question, nor long ones a short question);
dice: IDF-weighted Dice overlap of character bi/tri-grams of the content words (typos, odd
    segmentation; ASCII words count whole).
An entry scores its best phrasing: an exact phrasing scores 1.

`coverage` is the share (by length) of the question's content words known anywhere in the
knowledge base (phrasings, tags, answers): off-topic questions share a word or two with some
entry by chance, but most of their words are unknown to the domain.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from bot.nlp.bm25 import Bm25Fields, GramIndex, Terms, word_grams
from bot.nlp.config import NlpConfig
from bot.nlp.kb import FaqEntry
from bot.nlp.normalize import Normalizer, fold
from bot.nlp.segment import Segmenter, subwords
from bot.nlp.segment import words as split_words


@dataclass(frozen=True)
class Query:
    """A normalised question, analysed once."""

    text: str
    words: tuple[str, ...]      # content words (stopwords removed)
    terms: Terms                # weighted terms: words and dictionary sub-words
    grams: frozenset[str]       # character bi/tri-grams of the content words


@dataclass(frozen=True)
class Ranked:
    """One entry (by position in the entry list) and its calibrated score."""

    entry: int
    score: float


@dataclass(frozen=True)
class Search:
    """Best entries first, and how much of the query the domain knows (0..1)."""

    ranked: tuple[Ranked, ...]
    coverage: float


class Retriever:
    """An in-memory index over FAQ entries; build once, query many times."""

    def __init__(self, entries: Sequence[FaqEntry], normalizer: Normalizer,
                 segmenter: Segmenter, config: NlpConfig) -> None:
        self.normalizer, self.segmenter, self.config = normalizer, segmenter, config
        self.vocabulary: set[str] = set()
        owners, docs, grams = [], [], []
        for number, entry in enumerate(entries):
            for phrasing in entry.questions + entry.questions_en:
                words = self._words(phrasing)
                if words:
                    owners.append(number)
                    docs.append(self._doc_terms(words))
                    grams.append(word_grams(words))
        tags = [self._doc_terms(self._words(" ".join(e.tags))) for e in entries]
        answers = [self._doc_terms(self._words(f"{e.answer} {e.answer_en or ''}"))
                   for e in entries]
        self.owners = owners
        self.bm25 = Bm25Fields(docs, owners, tags, answers, config.bm25_k1, config.bm25_b,
                               config.tag_weight, config.answer_weight)
        self.ngrams = GramIndex(grams, owners, len(entries))
        for terms in (*docs, *tags, *answers):
            self.vocabulary.update(terms)
        # Latin-script names used in Chinese questions (i-voting, poc, pb.taipei, tpmo ...)
        self.names = {w for e in entries for q in e.questions for w in split_words(fold(q))
                      if w.isascii()}

    def _words(self, text: str) -> list[str]:
        return self.segmenter.content_words(self.normalizer(text))

    def _doc_terms(self, words: Sequence[str]) -> dict[str, float]:
        """A word counts 1; each dictionary sub-word of a longer word subword_weight."""
        terms: dict[str, float] = defaultdict(float)
        for word in words:
            terms[word] += 1.0
            for part in subwords(word):
                if part not in self.segmenter.stopwords:
                    terms[part] += self.config.subword_weight
        return terms

    def _query_terms(self, words: Sequence[str]) -> dict[str, float]:
        """As `_doc_terms`, but a word the knowledge base does not know is replaced by its
        known sub-words, the longest counting as a whole word (進校園 -> 校園)."""
        terms: dict[str, float] = defaultdict(float)
        for word in words:
            known = [p for p in subwords(word) if p in self.vocabulary]
            if word in self.vocabulary or not known:
                terms[word] += 1.0
                for part in known:
                    terms[part] += self.config.subword_weight
                continue
            longest = max(known, key=len)
            for part in known:
                terms[part] += 1.0 if part == longest else self.config.subword_weight
        return terms

    def only_names(self, text: str) -> bool:
        """Whether text is nothing but Latin-script names that the Chinese questions use
        (「i-Voting」「PoC」): as likely typed by a Chinese speaker as by an English one."""
        found = split_words(fold(text))
        return bool(found) and set(found) <= self.names

    def analyse(self, normalised: str) -> Query:
        """Words, terms and n-grams of already-normalised text."""
        words = self.segmenter.content_words(normalised)
        return Query(normalised, tuple(words), self._query_terms(words),
                     word_grams(words))
    def search(self, query: Query, limit: int = 3) -> Search:
        """The best `limit` entries for the query, with the query's domain coverage."""
        scores = self.entry_scores(query)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        best = tuple(Ranked(e, round(min(1.0, s), 4)) for e, s in ranked if s > 0)
        return Search(best, self.coverage(query))

    def entry_scores(self, query: Query) -> dict[int, float]:
        """Every candidate entry's score: its best phrasing's."""
        cfg = self.config
        dice = self.ngrams.scores(query.grams)
        fits = self.bm25.fits(query.terms, dice.keys())
        total = cfg.recall_weight + cfg.precision_weight + cfg.ngram_weight
        best: dict[int, float] = {}
        for doc, fit in fits.items():
            score = (cfg.recall_weight * fit.recall + cfg.precision_weight * fit.precision
                     + cfg.ngram_weight * dice.get(doc, 0.0)) / total
            owner = self.owners[doc]
            if score > best.get(owner, 0.0):
                best[owner] = score
        return best

    def coverage(self, query: Query) -> float:
        """Share of the query's content words (by length) known to the knowledge base."""
        total = sum(len(w) for w in query.words)
        known = sum(len(w) * self._known(w) for w in query.words)
        return known / total if total else 0.0

    def _known(self, word: str) -> float:
        """1 for a known word; for an unknown one, the longest known sub-word's share of it."""
        if word in self.vocabulary:
            return 1.0
        parts = [len(s) for s in subwords(word) if s in self.vocabulary]
        return max(parts, default=0) / len(word)
