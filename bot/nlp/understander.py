"""The NLP entry point (docs/design.md, "NLP API"): text -> Understanding."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.nlp import segment
from bot.nlp.config import NlpConfig
from bot.nlp.intents import IntentRules
from bot.nlp.kb import FaqEntry, load_faq
from bot.nlp.normalize import Normalizer, compact, detect_lang
from bot.nlp.retriever import Retriever, Search
from bot.nlp.segment import Segmenter


@dataclass(frozen=True)
class Match:
    """One FAQ entry that may answer the question."""

    faq_id: str
    score: float          # calibrated 0..1


@dataclass(frozen=True)
class Understanding:
    """What a message means: an intent, FAQ matches and how sure we are."""

    intent: str           # faq | propose | register | ivoting | handoff | greeting | menu | help
                          # | cancel | thanks | unknown
    action: str | None    # ivoting: "subscribe" | "unsubscribe"; register: "walk" | "course"
                          # | None
    matches: tuple[Match, ...]   # best first, at most 3
    confidence: str       # "high" (answer), "medium" (offer top 3), "low" (say we don't know)
    lang: str             # "zh" or "en" (what the user wrote)


class Understander:
    """Intents first (content/intents.yaml), then FAQ retrieval with calibrated confidence.

    Confidence: "high" when the best score reaches answer_threshold and leads the second by at
    least margin, or reaches clear_threshold and leads by clear_margin; "medium" from
    suggest_threshold; "low" below, or whenever less than min_coverage of the question's words
    are known to the knowledge base (values and reasons: content/nlp/nlp.yaml).
    Intent "faq" for high and medium, "unknown" for low (matches are still given, best first).
    """

    def __init__(self, entries: list[FaqEntry], normalizer: Normalizer, segmenter: Segmenter,
                 intents: IntentRules, config: NlpConfig) -> None:
        self._entries = tuple(entries)
        self._by_id = {e.id: e for e in entries}
        self.normalizer, self.intents, self.config = normalizer, intents, config
        self.retriever = Retriever(entries, normalizer, segmenter, config)

    @classmethod
    def from_content(cls, content_dir: Path) -> Understander:
        """Everything from content/: faq/*.yaml, intents.yaml and nlp/ (dictionary, synonyms,
        stopwords, nlp.yaml). Loads jieba (≈0.6 s) unless already loaded."""
        return cls.from_parts(load_faq(content_dir), content_dir)

    @classmethod
    def from_parts(cls, entries: list[FaqEntry], content_dir: Path) -> Understander:
        """Given entries (tests use their own), with content_dir's NLP data."""
        nlp_dir = content_dir / "nlp"
        segment.init(nlp_dir / "userdict.txt" if (nlp_dir / "userdict.txt").exists() else None)
        normalizer = Normalizer.from_dir(nlp_dir)
        return cls(entries, normalizer, Segmenter.from_dir(nlp_dir),
                   IntentRules.from_yaml(content_dir / "intents.yaml", normalizer),
                   NlpConfig.from_yaml(nlp_dir / "nlp.yaml"))

    @property
    def entries(self) -> tuple[FaqEntry, ...]:
        """Every FAQ entry, in file order."""
        return self._entries

    def entry(self, faq_id: str) -> FaqEntry:
        """The entry with that id; KeyError when there is none."""
        return self._by_id[faq_id]

    def understand(self, text: str) -> Understanding:
        """Intent, matches and confidence for one message (never raises on odd input)."""
        text = text[: self.config.max_chars]
        lang = detect_lang(text)
        normalised = self.normalizer(text)
        if not normalised:
            return Understanding("unknown", None, (), "low", lang)
        found = self.intents.detect(compact(normalised))
        if found is not None:
            return Understanding(found.intent, found.action, (), "high", lang)
        if lang == "en" and self.retriever.only_names(text):
            lang = "zh"  # 「i-Voting」 alone has no English word in it: the default language
        search = self.retriever.search(self.retriever.analyse(normalised))
        matches = tuple(Match(self._entries[r.entry].id, r.score) for r in search.ranked)
        confidence = self.confidence(search)
        intent = "unknown" if confidence == "low" else "faq"
        return Understanding(intent, None, matches, confidence, lang)

    def keywords(self, text: str) -> frozenset[str]:
        """The content words of any text, normalised as questions are (for similarity)."""
        return frozenset(self.retriever.segmenter.content_words(self.normalizer(text)))

    def confidence(self, search: Search) -> str:
        """high / medium / low for a search, with this understander's settings."""
        return decide(search, self.config)


def decide(search: Search, cfg: NlpConfig) -> str:
    """high / medium / low from the scores and the query's domain coverage."""
    if not search.ranked or search.coverage < cfg.min_coverage:
        return "low"
    best = search.ranked[0].score
    lead = best - (search.ranked[1].score if len(search.ranked) > 1 else 0.0)
    if best >= cfg.answer_threshold and lead >= cfg.margin:
        return "high"
    if best >= cfg.clear_threshold and lead >= cfg.clear_margin:
        return "high"
    return "medium" if best >= cfg.suggest_threshold else "low"
