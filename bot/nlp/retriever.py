"""FAQ retrieval: every entry is an item of a `FieldIndex` (bot/nlp/index.py).

Its phrasings are the entry's questions (Chinese and English), its tags the entry's tags, its
text the entry's answer (Chinese and English). `more` is left out on purpose: an entry must
not win on a fact its answer does not show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.nlp.analyse import Analyser, Query
from bot.nlp.config import NlpConfig
from bot.nlp.index import FieldIndex, Hit, Item
from bot.nlp.kb import FaqEntry
from bot.nlp.normalize import fold
from bot.nlp.segment import words as split_words


@dataclass(frozen=True)
class Search:
    """Best entries first, and how much of the query the domain knows (0..1)."""

    ranked: tuple[Hit, ...]
    coverage: float


class Retriever:
    """The FAQ index; build once, query many times."""

    def __init__(self, entries: Sequence[FaqEntry], analyser: Analyser,
                 config: NlpConfig) -> None:
        self.analyser, self.config = analyser, config
        items = [Item(e.questions + e.questions_en, e.tags, (e.answer, e.answer_en or ""))
                 for e in entries]
        self.index = FieldIndex(analyser, items, k1=config.bm25_k1, b=config.bm25_b,
                                tag_weight=config.tag_weight, text_weight=config.answer_weight)
        # Latin-script names used in Chinese questions (i-voting, poc, pb.taipei, tpmo ...)
        self.names = {w for e in entries for q in e.questions for w in split_words(fold(q))
                      if w.isascii()}

    def only_names(self, text: str) -> bool:
        """Whether text is nothing but Latin-script names that the Chinese questions use
        (「i-Voting」「PoC」): as likely typed by a Chinese speaker as by an English one."""
        found = split_words(fold(text))
        return bool(found) and set(found) <= self.names

    def search(self, query: Query, limit: int = 3) -> Search:
        """The best `limit` entries for the query, with the query's domain coverage."""
        ranked = self.index.search(query, self.config.weights, limit)
        return Search(tuple(ranked), self.analyser.coverage(query))
