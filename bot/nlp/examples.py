"""The second stage of intent detection: example phrasings (content/intent-examples.yaml).

Each group (`register/walk`, `handoff` ...) is an item of a `FieldIndex`, its examples the
phrasings, so a message is matched the way FAQ questions are: typos and word order do not
matter. Whether a message reads as a request or a question comes from the markers in the same
file: `request_score` is +1 (a request), -1 (a question) or 0 (neither, or both).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.common.yamlfile import read_yaml
from bot.nlp.analyse import Analyser, Query
from bot.nlp.index import GroupIndex, Weights
from bot.nlp.intents import ACTIONS, INTENTS, pattern_form
from bot.nlp.normalize import Synonyms, compact

MIN_EXAMPLES = 30


@dataclass(frozen=True)
class ExampleMatch:
    """The best example group for a message."""

    intent: str
    action: str | None
    score: float


class Markers:
    """Request, question and polite-request markers (compiled regexes)."""

    def __init__(self, request: list[re.Pattern[str]], question: list[re.Pattern[str]],
                 polite: list[re.Pattern[str]]) -> None:
        self.request, self.question, self.polite = request, question, polite

    def request_score(self, normalised: str) -> int:
        """+1 a request, -1 a question, 0 neither or both (normalised text)."""
        text = compact(normalised)
        if any(p.search(text) for p in self.polite):
            return 1
        asks = any(p.search(text) for p in self.question)
        wants = any(p.search(text) for p in self.request)
        return int(wants) - int(asks)


class Examples:
    """The example index and the markers; `best` finds the closest group."""

    def __init__(self, groups: dict[str, list[str]], markers: Markers,
                 analyser: Analyser) -> None:
        self.markers = markers
        self.index = GroupIndex(analyser, groups)

    @classmethod
    def from_yaml(cls, path: Path, analyser: Analyser) -> Examples:
        """Load content/intent-examples.yaml (an empty set when the file is missing)."""
        groups, markers = read_examples(path, analyser.normalizer.synonyms)
        return cls(groups, markers, analyser)

    def best(self, query: Query, weights: Weights) -> ExampleMatch | None:
        """The best-scoring group for the query, if any shares a word with it."""
        found = self.index.best(query, weights)
        if found is None:
            return None
        intent, action = _split_group(found[0])
        return ExampleMatch(intent, action, found[1].score)


def read_examples(path: Path, synonyms: Synonyms) -> tuple[dict[str, list[str]], Markers]:
    """(groups, markers) from the file; ValueError naming what is malformed."""
    raw: Any = read_yaml(path) or {}
    raw = raw or {}
    if not isinstance(raw, dict) or set(raw) - {"markers", "examples"}:
        raise ValueError(f"{path.name}: expected sections `markers:` and `examples:`")
    groups = raw.get("examples") or {}
    if not isinstance(groups, dict):
        raise ValueError(f"{path.name}: examples should map GROUP -> [phrasings]")
    for name, texts in groups.items():
        intent, action = _split_group(str(name))
        if intent not in INTENTS or (action is not None and action not in ACTIONS.get(intent, ())):
            raise ValueError(f"{path.name}: unknown group {name!r}")
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            raise ValueError(f"{path.name}: {name} should be a list of phrasings")
    marks = raw.get("markers") or {}
    compiled = {kind: _compile(marks.get(kind), f"{path.name} markers.{kind}", synonyms)
                for kind in ("request", "question", "polite")}
    texts_of = {str(k): [str(t) for t in v] for k, v in groups.items()}
    return texts_of, Markers(compiled["request"], compiled["question"], compiled["polite"])


def example_problems(path: Path, synonyms: Synonyms) -> list[str]:
    """Content problems: malformed file, or a group with fewer than MIN_EXAMPLES phrasings."""
    try:
        groups, _ = read_examples(path, synonyms)
    except (ValueError, yaml.YAMLError) as exc:
        return [str(exc)]
    return [f"{path.name}: {name} has {len(texts)} examples, at least {MIN_EXAMPLES}"
            for name, texts in groups.items() if len(texts) < MIN_EXAMPLES]


def _split_group(name: str) -> tuple[str, str | None]:
    intent, _, action = name.partition("/")
    return intent, action or None


def _compile(patterns: Any, where: str, synonyms: Synonyms) -> list[re.Pattern[str]]:
    if patterns is None:
        return []
    if not isinstance(patterns, list):
        raise ValueError(f"{where}: should be a list of patterns")
    try:
        return [re.compile(pattern_form(str(p), synonyms)) for p in patterns]
    except re.error as exc:
        raise ValueError(f"{where}: bad pattern: {exc}") from exc
