"""The FAQ knowledge base: entries from content/faq/*.yaml, loaded leniently and validated.

`load_faq` never fails on a malformed *entry*: what it cannot use is recorded in the entry's
`problems` and reported by `bot.nlp.checks.validate_faq` (so `run.py check-content` lists
every problem at once). A file that is not YAML, or not a list of mappings, raises ValueError
naming the file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from bot.common.yamlfile import read_yaml

REQUIRED = ("id", "topic", "questions", "answer", "source")
OPTIONAL = ("questions_en", "answer_en", "more", "as_of", "tags", "related", "start")


@dataclass(frozen=True)
class FaqEntry:
    """One FAQ entry, as in docs/design.md ("Content: FAQ entries")."""

    id: str
    topic: str
    questions: tuple[str, ...]
    questions_en: tuple[str, ...] = ()
    answer: str = ""
    answer_en: str | None = None
    more: str | None = None
    source: Mapping[str, str | int] = field(default_factory=dict, hash=False)
    as_of: int | str | None = None
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    start: str | None = None    # a flow the answer offers to start: INTENT or INTENT/ACTION
    origin: str = field(default="", compare=False)  # "file.yaml #3", for messages
    problems: tuple[str, ...] = field(default=(), compare=False, repr=False)


def load_faq(content_dir: Path) -> list[FaqEntry]:
    """Every entry of content_dir/faq/*.yaml (topics.yaml excluded), files in name order."""
    entries: list[FaqEntry] = []
    for path in sorted((content_dir / "faq").glob("*.yaml")):
        if path.name != "topics.yaml":
            entries += load_file(path)
    return entries


def load_file(path: Path) -> list[FaqEntry]:
    """The entries of one FAQ file; ValueError when the file is not a YAML list of mappings."""
    try:
        raw = read_yaml(path)
    except yaml.YAMLError as exc:
        raise ValueError(f"{path.name}: not valid YAML: {exc}") from exc
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ValueError(f"{path.name}: expected a list of entries, got {type(raw).__name__}")
    entries = []
    for number, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            raise ValueError(f"{path.name} entry #{number}: expected a mapping")
        entries.append(_entry(item, f"{path.name} #{number}"))
    return entries


class _Reader:
    """Reads typed fields from one raw entry, collecting problems instead of raising."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.problems: list[str] = [f"unknown field {k!r}" for k in raw if k not in
                                    REQUIRED + OPTIONAL]
        self.problems += [f"missing field {k!r}" for k in REQUIRED if k not in raw]

    def text(self, key: str) -> str | None:
        value = self.raw.get(key)
        if value is None or isinstance(value, str):
            return value.strip() if isinstance(value, str) else None
        self.problems.append(f"{key} should be text, not {type(value).__name__}")
        return str(value)

    def texts(self, key: str, *, numbers_ok: bool = False) -> tuple[str, ...]:
        value = self.raw.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problems.append(f"{key} should be a list, not {type(value).__name__}")
            return (str(value),)
        allowed: tuple[type, ...] = (str, int, float) if numbers_ok else (str,)
        for item in value:
            if not isinstance(item, allowed) or isinstance(item, bool):
                self.problems.append(f"{key}: {item!r} should be text")
        return tuple(str(item).strip() for item in value if item is not None)

    def source(self) -> dict[str, str | int]:
        value = self.raw.get("source")
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problems.append("source should be a mapping like {doc: ..., year: ...}")
            return {}
        return {str(k): v if isinstance(v, int) else str(v) for k, v in value.items()}

    def as_of(self) -> int | str | None:
        value = self.raw.get("as_of")
        if value is None or isinstance(value, int | str):
            return value
        if isinstance(value, dt.date):
            return value.isoformat()
        self.problems.append(f"as_of should be a year or a date, not {value!r}")
        return str(value)


def _entry(raw: dict[str, Any], origin: str) -> FaqEntry:
    r = _Reader(raw)
    entry = FaqEntry(
        id=r.text("id") or "", topic=r.text("topic") or "",
        questions=r.texts("questions"), questions_en=r.texts("questions_en"),
        answer=r.text("answer") or "", answer_en=r.text("answer_en"), more=r.text("more"),
        source=r.source(), as_of=r.as_of(), tags=r.texts("tags", numbers_ok=True),
        related=r.texts("related"), start=r.text("start"), origin=origin,
    )
    return replace(entry, problems=tuple(r.problems))
