"""City services outside this bot (content/nlp/services.yaml): which one a message names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.common.yamlfile import read_yaml
from bot.nlp.normalize import fold


@dataclass(frozen=True)
class Service:
    """One group of city-service words."""

    name: str
    propose: bool          # a lasting improvement here can be a proposal
    words: tuple[str, ...]  # folded


class Services:
    """The groups, in file order; `find` returns the first group a message names."""

    def __init__(self, groups: list[Service]) -> None:
        self.groups = tuple(groups)
        self._by_name = {g.name: g for g in groups}

    @classmethod
    def from_yaml(cls, path: Path) -> Services:
        """Load the file (no groups when it is missing); ValueError naming a bad group."""
        raw: Any = read_yaml(path) or {}
        if not isinstance(raw, dict):
            raise ValueError(f"{path.name}: expected NAME: {{propose: ..., words: [...]}}")
        groups = []
        for name, group in raw.items():
            words = group.get("words") if isinstance(group, dict) else None
            if not isinstance(words, list) or not words:
                raise ValueError(f"{path.name} {name}: expected words: [...]")
            groups.append(Service(str(name), bool(group.get("propose", False)),
                                  tuple(fold(str(w)) for w in words)))
        return cls(groups)

    def find(self, normalised: str) -> str | None:
        """The name of the first group with a word in the (normalised) message, if any."""
        text = normalised.replace(" ", "")
        for group in self.groups:
            if any(word.replace(" ", "") in text for word in group.words):
                return group.name
        return None

    def get(self, name: str) -> Service | None:
        """The group of that name."""
        return self._by_name.get(name)
