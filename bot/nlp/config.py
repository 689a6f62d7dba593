"""Retrieval settings from content/nlp/nlp.yaml (weights and confidence thresholds)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import yaml


@dataclass(frozen=True)
class NlpConfig:
    """See content/nlp/nlp.yaml for what each value means and why it has its value."""

    answer_threshold: float = 0.6
    margin: float = 0.02
    clear_threshold: float = 0.45
    clear_margin: float = 0.1
    suggest_threshold: float = 0.35
    min_coverage: float = 0.5
    recall_weight: float = 0.5
    precision_weight: float = 0.2
    ngram_weight: float = 0.3
    tag_weight: float = 0.5
    answer_weight: float = 0.3
    subword_weight: float = 0.5
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    max_chars: int = 500

    @classmethod
    def from_yaml(cls, path: Path) -> NlpConfig:
        """Values from the file; missing ones keep their defaults; unknown keys are an error."""
        if not path.exists():
            return cls()
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        known = {f.name: f.type for f in fields(cls)}
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise ValueError(f"{path.name}: unknown settings {', '.join(unknown)}")
        values = {k: int(v) if known[k] == "int" else float(v) for k, v in raw.items()}
        return cls(**values)  # type: ignore[arg-type]
