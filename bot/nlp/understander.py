"""The NLP entry point (docs/design.md, "NLP API"): text -> Understanding.

Order: intent patterns (content/intents.yaml) -> FAQ search -> intent examples, for requests
that beat the best FAQ entry (content/intent-examples.yaml) -> the answer model decides
high / medium / low -> below high, a seed sentence good enough to quote (content/seeds/) ->
for low, whether a city service outside this bot was named (content/nlp/services.yaml).
Everything measured on the way is a `Signals`; `decide` turns signals into an Understanding,
so bench/fit_faq.py can fit the weights and thresholds on the same code path.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from bot.common.text import has_contact
from bot.nlp import segment
from bot.nlp.analyse import Analyser, Query, read_filler
from bot.nlp.config import NlpConfig
from bot.nlp.examples import ExampleMatch, Examples
from bot.nlp.index import GroupIndex, Hit, read_groups
from bot.nlp.intents import IntentMatch, IntentRules
from bot.nlp.kb import FaqEntry, load_faq
from bot.nlp.normalize import Normalizer, compact, detect_lang
from bot.nlp.passages import Passage, PassageIndex, load_passages
from bot.nlp.retriever import Retriever, Search
from bot.nlp.segment import Segmenter, read_userdict
from bot.nlp.services import Services
from bot.nlp.steps import StepQuestion, Steps
from bot.nlp.unsourced import Unsourced

# Understandings kept per process, by text. Residents send the same texts again and again
# (button and menu words, greetings, the popular questions), and an understanding depends
# only on the text and the content loaded at start. ~1 KB each.
CACHE_SIZE = 4096


@dataclass(frozen=True)
class Match:
    """One FAQ entry that may answer the question."""

    faq_id: str
    score: float          # fused retrieval score 0..1 (an exact phrasing scores 1)


@dataclass(frozen=True)
class Understanding:
    """What a message means: an intent, FAQ matches and how sure we are."""

    intent: str           # faq | propose | register | ivoting | news | handoff | greeting | menu
                          # | help | cancel | thanks | unknown
    action: str | None    # ivoting: subscribe | unsubscribe | when; register: walk | course
                          # | None; news: subscribe | unsubscribe
    matches: tuple[Match, ...]   # best first, at most 3
    confidence: str       # "high" (answer), "medium" (offer top 3), "low" (say we don't know)
    lang: str             # "zh" or "en" (what the user wrote); "?" Latin letters that are
                          # no English (asdfghjkl): keep the conversation's language
    passage: Passage | None = None   # below high: a seed sentence good enough to quote instead
    service: str | None = None       # low: a city service outside this bot (services.yaml)
    beyond: str | None = None        # low: the best entry's topic, but a fact it lacks
                                     # (content/nlp/unsourced.yaml: price, contractor, year ...)
    step: StepQuestion | None = None  # high: a question about a process's order of steps


@dataclass(frozen=True)
class Signals:
    """Everything measured about one message, before any decision."""

    text: str                         # normalised
    lang: str
    rule: IntentMatch | None
    query: Query | None
    faq: Search | None
    request: int = 0
    example: ExampleMatch | None = None
    oos: Hit | None = None            # best out-of-scope group (content/nlp/out-of-scope.yaml)
    foreign: float = 0.0              # share of the terms only the out-of-scope set knows
    passages: tuple[Hit, ...] | None = None   # None: not searched (only needed below high)
    symbols: bool = False             # emoji or marks only: something sent, nothing to match


class Understander:
    """Intents, FAQ retrieval, seed sentences, with fitted confidence (content/nlp/nlp.yaml)."""

    def __init__(self, entries: list[FaqEntry], analyser: Analyser, intents: IntentRules,
                 examples: Examples | None, passages: list[Passage], services: Services,
                 config: NlpConfig, outside: dict[str, list[str]] | None = None,
                 cache_size: int = CACHE_SIZE) -> None:
        self._entries = tuple(entries)
        self._by_id = {e.id: e for e in entries}
        self.analyser, self.intents, self.config = analyser, intents, config
        self.normalizer = analyser.normalizer
        self.retriever = Retriever(entries, analyser, config)
        self.passages = PassageIndex(passages, analyser)
        self.examples = examples
        self.services = services
        self.outside = GroupIndex(analyser, outside or {}, known=False)
        self.unsourced = Unsourced([], self.normalizer)
        self.steps = Steps([], {}, self.normalizer)
        self._cache_size = cache_size
        self._cached = lru_cache(maxsize=cache_size)(self.understand_fresh)

    @classmethod
    def from_content(cls, content_dir: Path) -> Understander:
        """Everything from content/: faq/*.yaml, intents.yaml, intent-examples.yaml, seeds/ and
        nlp/ (dictionary, synonyms, rewrites, stopwords, services, nlp.yaml). Loads jieba
        (≈0.6 s) unless already loaded."""
        return cls.from_parts(load_faq(content_dir), content_dir)

    @classmethod
    def from_parts(cls, entries: list[FaqEntry], content_dir: Path) -> Understander:
        """Given entries (tests use their own), with content_dir's other NLP data."""
        nlp_dir = content_dir / "nlp"
        userdict = nlp_dir / "userdict.txt"
        segment.init(userdict if userdict.exists() else None)
        normalizer = Normalizer.from_dir(nlp_dir)
        config = NlpConfig.from_yaml(nlp_dir / "nlp.yaml")
        analyser = Analyser(normalizer, Segmenter.from_dir(nlp_dir), config.subword_weight,
                            read_filler(nlp_dir / "filler.txt"))
        if userdict.exists():  # the domain dictionary's words are known words
            analyser.learn(w for w, _, _ in read_userdict(userdict))
        examples = Examples.from_yaml(content_dir / "intent-examples.yaml", analyser)
        made = cls(entries, analyser, IntentRules.from_yaml(content_dir / "intents.yaml",
                                                            normalizer),
                   examples, load_passages(content_dir / "seeds"),
                   Services.from_yaml(nlp_dir / "services.yaml"), config,
                   read_groups(nlp_dir / "out-of-scope.yaml"))
        made.unsourced = Unsourced.from_yaml(nlp_dir / "unsourced.yaml", normalizer)
        made.steps = Steps.from_yaml(content_dir / "process.yaml", normalizer)
        return made

    def __getstate__(self) -> dict[str, object]:
        """Everything but the per-process understanding cache (bot/nlp/diskcache.py)."""
        state = dict(self.__dict__)
        del state["_cached"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._cached = lru_cache(maxsize=self._cache_size)(self.understand_fresh)

    @property
    def entries(self) -> tuple[FaqEntry, ...]:
        """Every FAQ entry, in file order."""
        return self._entries

    def entry(self, faq_id: str) -> FaqEntry:
        """The entry with that id; KeyError when there is none."""
        return self._by_id[faq_id]

    def understand(self, text: str) -> Understanding:
        """Intent, matches and confidence for one message (never raises on odd input); a text
        seen recently is answered from the cache (one with contact details is never kept)."""
        text = text[: self.config.max_chars]
        if has_contact(text):  # a phone number or an e-mail is not kept, not even in memory
            return self.understand_fresh(text)
        return self._cached(text)

    def understand_fresh(self, text: str) -> Understanding:
        """As `understand`, always measured (benchmarks, and the cache's own source)."""
        return decide(self.measure(text), self.config, self)

    def cache_info(self) -> tuple[int, int]:
        """(hits, misses) of the understanding cache since start."""
        info = self._cached.cache_info()
        return info.hits, info.misses

    def understand_faq(self, text: str) -> Understanding:
        """As `understand`, but as a question only: no intent is detected."""
        signals = self.measure(text, intents=False)
        return decide(signals, self.config, self)

    def measure(self, text: str, *, intents: bool = True, complete: bool = False) -> Signals:
        """The signals of a message; complete: everything, even what the decision can skip."""
        text = self.analyser.drop_asides(text[: self.config.max_chars])
        lang = detect_lang(text)
        normalised = self.normalizer(text)
        rule = self.intents.detect(compact(normalised)) if intents and normalised else None
        if not normalised or (rule is not None and not rule.all_known and not complete):
            return Signals(normalised, lang, rule, None, None,
                           symbols=not normalised and bool(text.strip()))
        if lang == "en" and self.retriever.only_names(text):
            lang = "zh"  # 「i-Voting」 alone has no English word in it: the default language
        query = self.analyser.analyse(text, normalised)
        if lang == "en" and not self._some_english(normalised):
            lang = "?"  # a keyboard mash is not English: the conversation keeps its language
        faq = self.retriever.search(query)
        request = self.examples.markers.request_score(normalised) if self.examples else 0
        example = None
        if self.examples is not None and intents and (request > 0 or complete):
            example = self.examples.best(query, self.config.example_weights)
        outside = self.outside.best(query, self.config.faq_weights)
        foreign = self._foreign(query)
        signals = Signals(normalised, lang, rule, query, faq, request, example,
                          outside[1] if outside else None, foreign)
        return self.with_passages(signals) if complete else signals

    def _some_english(self, normalised: str) -> bool:
        """Whether a Latin word of the message is one the bot knows or a common English word."""
        known = self.analyser.vocabulary
        common = self.analyser.segmenter.stopwords
        return any(w in known or w in common for w in normalised.split())

    def _foreign(self, query: Query) -> float:
        """IDF-weighted share of the query's terms that the bot does not know but the
        out-of-scope examples do (好玩 in 「…好玩嗎」)."""
        weight = self.retriever.index.bm25.weight
        total = sum(weight(t) * w for t, w in query.terms.items())
        foreign = sum(weight(t) * w for t, w in query.terms.items()
                      if t not in self.analyser.vocabulary and t in self.outside.index.terms)
        return foreign / total if total else 0.0

    def with_passages(self, s: Signals) -> Signals:
        """The signals with the seed sentences searched (the best two)."""
        if s.query is None or s.passages is not None:
            return s
        found = tuple(self.passages.search(s.query, self.config.passage_weights, 2))
        return replace(s, passages=found)

    def keywords(self, text: str) -> frozenset[str]:
        """The content words of any text, normalised as questions are (for similarity)."""
        return frozenset(self.analyser.segmenter.content_words(self.normalizer(text)))


def decide(s: Signals, cfg: NlpConfig, nlp: Understander) -> Understanding:
    """The Understanding the signals call for, with cfg's weights and thresholds."""
    if s.query is None or s.faq is None:
        if s.symbols:  # emoji or marks only: nothing to match, a friendly prompt
            return Understanding("emoji", None, (), "low", s.lang)
        if s.rule is not None:
            return Understanding(s.rule.intent, s.rule.action, (), "high", s.lang)
        return Understanding("unknown", None, (), "low", s.lang)
    if s.rule is not None and (not s.rule.all_known or not s.query.unknown):
        return Understanding(s.rule.intent, s.rule.action, (), "high", s.lang)
    matches = tuple(Match(nlp.entries[h.item].id, h.score) for h in s.faq.ranked)
    step = nlp.steps.read(s.text) if s.rule is None else None
    if step is not None:  # a step named and its order asked: the process data answers
        beyond = nlp.unsourced.asks_beyond(s.text, nlp.entry(matches[0].faq_id)) \
            if matches else None
        if beyond is not None:  # 「…上完有證照嗎」: a step named, but a fact no step holds
            return Understanding("unknown", None, matches, "low", s.lang, beyond=beyond)
        return Understanding("faq", None, matches, "high", s.lang, step=step)
    best = s.faq.ranked[0].score if s.faq.ranked else 0.0
    ex = s.example
    if (ex is not None and s.request > 0 and ex.score >= cfg.intent_threshold
            and ex.score >= best + cfg.intent_margin):
        return Understanding(ex.intent, ex.action, (), "high", s.lang)
    p = cfg.answer_model.probability(answer_row(s))
    if p >= cfg.answer_threshold or clear_winner(s, p, cfg, nlp):
        beyond = nlp.unsourced.asks_beyond(s.text, nlp.entry(matches[0].faq_id))
        if beyond is not None:  # our topic, but a fact the entry does not hold: never as if
            return Understanding("unknown", None, matches, "low", s.lang, beyond=beyond)
        return Understanding("faq", None, matches, "high", s.lang)
    level = "medium" if p >= cfg.suggest_threshold else "low"
    s = nlp.with_passages(s)
    if s.passages and cfg.passage_model.probability(passage_row(s)) >= cfg.passage_threshold:
        passage = nlp.passages.passages[s.passages[0].item]
        beyond = nlp.unsourced.passage_lacks(s.text, passage.key, passage.text)
        if beyond is None:  # a sentence that does not hold the fact asked is never quoted
            return Understanding("faq", None, matches, level, s.lang, passage=passage)
    if level == "low":
        return Understanding("unknown", None, matches, "low", s.lang,
                             service=nlp.services.find(s.text))
    return Understanding("faq", None, matches, "medium", s.lang)


def clear_winner(s: Signals, p: float, cfg: NlpConfig, nlp: Understander) -> bool:
    """Below the answer threshold, whether the best entry still plainly answers: most of the
    question (IDF-weighted, its answer included) is in it, the question's rare terms point at
    it, and the out-of-scope examples fit far worse (a long formal question about one detail
    of an entry; content/nlp/nlp.yaml: winner_*)."""
    if p < cfg.winner_min_p or s.query is None or s.faq is None or not s.faq.ranked:
        return False
    top = s.faq.ranked[0]
    if top.features.cover < cfg.winner_cover:
        return False
    if s.oos is not None and s.oos.score > cfg.winner_oos_ratio * top.score:
        return False
    index = nlp.retriever.index
    return index.key_share(s.query, top.item, cfg.winner_key_items) >= cfg.winner_key_share


def answer_row(s: Signals) -> dict[str, float]:
    """The answer model's features: the best entry's score, lead over the second, the query's
    domain coverage, unknown words, the best entry's features (bot/nlp/index.py), request-ness."""
    assert s.query is not None and s.faq is not None
    ranked = s.faq.ranked
    if not ranked:
        return {"coverage": s.faq.coverage, "unknown": _unknown(s.query), "request": s.request}
    top = ranked[0]
    second = ranked[1].score if len(ranked) > 1 else 0.0
    return {"score": top.score, "lead": top.score - second, "coverage": s.faq.coverage,
            "unknown": _unknown(s.query), "recall": top.features.recall,
            "precision": top.features.precision, "dice": top.features.dice,
            "cover": top.features.cover, "asked": top.features.asked,
            "surface": top.features.surface, "request": s.request, **_outside(s)}


def passage_row(s: Signals) -> dict[str, float]:
    """The passage model's features, as answer_row's, for the best seed sentence."""
    assert s.query is not None and s.faq is not None and s.passages
    top = s.passages[0]
    second = s.passages[1].score if len(s.passages) > 1 else 0.0
    return {"score": top.score, "lead": top.score - second, "coverage": s.faq.coverage,
            "unknown": _unknown(s.query), "recall": top.features.recall,
            "dice": top.features.dice, "cover": top.features.cover, "request": s.request,
            **_outside(s)}


def _outside(s: Signals) -> dict[str, float]:
    """How well the message fits what is not ours: the best out-of-scope group's score, the
    share of the message's terms it covers, and the share only the out-of-scope set knows."""
    if s.oos is None:
        return {"oos": 0.0, "oos_cover": 0.0, "foreign": s.foreign}
    return {"oos": s.oos.score, "oos_cover": s.oos.features.cover, "foreign": s.foreign}


def _unknown(query: Query) -> float:
    return float(min(len(query.unknown), 3))
