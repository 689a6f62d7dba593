"""Flow intents (propose, register, i-Voting reminders, hand-off, greetings, commands).

The rules are data: content/intents.yaml (see its header). They match normalised text, so
they are converted to the same script and case when loaded.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.nlp.normalize import Normalizer, Synonyms, to_simplified
from bot.nlp.yamlfile import read_yaml

INTENTS = frozenset({"propose", "register", "ivoting", "news", "handoff", "greeting", "thanks",
                     "insult", "menu", "help", "cancel"})
ACTIONS = {"ivoting": {"subscribe", "unsubscribe", "when"}, "register": {"walk", "course"},
           "news": {"subscribe", "unsubscribe"}}


@dataclass(frozen=True)
class IntentRule:
    """One rule: any pattern found and no `unless` pattern found. With all_known, the rule
    only counts when every word of the message is known to the bot (checked by the caller)."""

    intent: str
    action: str | None
    patterns: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...] = ()
    all_known: bool = False

    def matches(self, text: str) -> bool:
        """Whether the rule fires on normalised text."""
        return (any(p.search(text) for p in self.patterns)
                and not any(u.search(text) for u in self.unless))


@dataclass(frozen=True)
class IntentMatch:
    """What the first matching rule says."""

    intent: str
    action: str | None
    all_known: bool = False


class IntentRules:
    """The ordered rule list; `detect` returns the first match, or None."""

    def __init__(self, rules: list[IntentRule]) -> None:
        self.rules = tuple(rules)

    @classmethod
    def from_yaml(cls, path: Path, normalizer: Normalizer | None = None) -> IntentRules:
        """Load content/intents.yaml; ValueError naming the rule when one is malformed.
        With normalizer, its synonyms are applied to the patterns as to the text."""
        if not path.exists():
            return cls([])
        raw = read_yaml(path) or {}
        items = raw.get("intents", []) if isinstance(raw, dict) else None
        if not isinstance(items, list):
            raise ValueError(f"{path.name}: expected `intents:` with a list of rules")
        synonyms = normalizer.synonyms if normalizer else Synonyms({})
        return cls([_rule(item, f"{path.name} rule #{n}", synonyms)
                    for n, item in enumerate(items, 1)])

    def detect(self, normalised: str) -> IntentMatch | None:
        """The first rule that matches normalised, compacted text, if any."""
        for rule in self.rules:
            if rule.matches(normalised):
                return IntentMatch(rule.intent, rule.action, rule.all_known)
        return None


def pattern_form(pattern: str, synonyms: Synonyms) -> str:
    """A pattern in the script, case and synonyms of normalised text (regex syntax untouched)."""
    folded = to_simplified(unicodedata.normalize("NFKC", pattern).lower())
    return synonyms.expand(folded, spaced=False)


def _rule(item: Any, where: str, synonyms: Synonyms) -> IntentRule:
    if not isinstance(item, dict):
        raise ValueError(f"{where}: expected a mapping")
    intent, action = item.get("intent"), item.get("action")
    if intent not in INTENTS:
        raise ValueError(f"{where}: unknown intent {intent!r}")
    if action is not None and action not in ACTIONS.get(intent, set()):
        raise ValueError(f"{where}: action {action!r} is not one of {intent}'s")
    patterns = _compile(item.get("patterns"), where, synonyms)
    if not patterns:
        raise ValueError(f"{where}: no patterns")
    extra = set(item) - {"intent", "action", "patterns", "unless", "all_known"}
    if extra:
        raise ValueError(f"{where}: unknown keys {', '.join(sorted(extra))}")
    return IntentRule(intent, action, patterns, _compile(item.get("unless"), where, synonyms),
                      bool(item.get("all_known", False)))


def _compile(patterns: Any, where: str, synonyms: Synonyms) -> tuple[re.Pattern[str], ...]:
    if patterns is None:
        return ()
    if not isinstance(patterns, list):
        raise ValueError(f"{where}: patterns must be a list")
    try:
        return tuple(re.compile(pattern_form(str(p), synonyms)) for p in patterns)
    except re.error as exc:
        raise ValueError(f"{where}: bad pattern: {exc}") from exc
