"""Retrieval and confidence settings from content/nlp/nlp.yaml (fitted values, see that file)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from bot.common.yamlfile import read_yaml
from bot.nlp.confidence import Model
from bot.nlp.index import Weights

WEIGHT_KEYS = ("faq_weights", "passage_weights", "example_weights")
MODEL_KEYS = ("answer_model", "passage_model")


@dataclass(frozen=True)
class NlpConfig:
    """See content/nlp/nlp.yaml for what each value means and how it was chosen."""

    faq_weights: Weights = field(default_factory=Weights)
    passage_weights: Weights = field(default_factory=Weights)
    example_weights: Weights = field(default_factory=Weights)
    answer_model: Model = field(default_factory=lambda: Model(-3.0, {"score": 6.0}))
    answer_threshold: float = 0.5
    suggest_threshold: float = 0.2
    passage_model: Model = field(default_factory=lambda: Model(-4.0, {"score": 6.0}))
    passage_threshold: float = 0.5
    intent_threshold: float = 0.5
    intent_margin: float = 0.0
    related_min_score: float = 0.3
    winner_min_p: float = 1.0          # the clear-winner route (understander.clear_winner);
    winner_cover: float = 1.0          # 1.0 and above: off
    winner_key_share: float = 1.0
    winner_key_items: int = 2
    winner_oos_ratio: float = 0.0
    tag_weight: float = 0.5
    answer_weight: float = 0.3
    subword_weight: float = 0.5
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    max_chars: int = 500

    @property
    def weights(self) -> Weights:
        """The FAQ fusion weights."""
        return self.faq_weights

    @classmethod
    def from_yaml(cls, path: Path) -> NlpConfig:
        """Values from the file; missing ones keep their defaults; unknown keys are an error."""
        if not path.exists():
            return cls()
        raw = read_yaml(path) or {}
        if not isinstance(raw, dict):
            raise ValueError(f"{path.name}: expected a mapping of settings")
        known = {f.name: f.type for f in fields(cls)}
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise ValueError(f"{path.name}: unknown settings {', '.join(unknown)}")
        return cls(**{k: _value(k, v, known[k], path.name) for k, v in raw.items()})


def _value(key: str, value: Any, kind: Any, where: str) -> Any:
    if key in WEIGHT_KEYS:
        return _weights(value, f"{where} {key}")
    if key in MODEL_KEYS:
        if not isinstance(value, Mapping):
            raise ValueError(f"{where} {key}: expected {{bias: ..., feature: coefficient}}")
        return Model.from_mapping(value, f"{where} {key}")
    try:
        return int(value) if kind in ("int", int) else float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: {key} should be a number, not {value!r}") from None


def _weights(value: Any, where: str) -> Weights:
    allowed = {f.name for f in fields(Weights)}
    if not isinstance(value, Mapping) or set(value) - allowed:
        raise ValueError(f"{where}: expected {{{', '.join(sorted(allowed))}}}")
    try:
        return Weights(**{str(k): float(v) for k, v in value.items()})
    except (TypeError, ValueError):
        raise ValueError(f"{where}: weights must be numbers") from None
