"""Questions about a known topic that ask what the sources do not say (content/nlp/unsourced.yaml).

「社子大橋的偵測系統是哪家廠商做的」 names an entry we hold, but asks for a fact it lacks: the
entry must not be given as if it answered. A message asks for such a fact when it names one of the
file's kinds of fact (price, contractor, demolition date, rates, next year ...) that the best
entry's text does not contain, or a year later than every year the entry mentions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.common.yamlfile import read_yaml
from bot.nlp.kb import FaqEntry

# a Western year standing alone, or an ROC year (民國 100-129) only when 年 follows
_YEAR_RE = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)|(?<!\d)(1[0-2]\d)(?=\s?年)")
ROC_OFFSET = 1911
HONEST_TAG = "查無資料"   # an entry whose answer is the honest 「資料裡沒有」 (content/faq)


@dataclass(frozen=True)
class Kind:
    """One kind of fact the sources never give, and the words that ask for it (folded)."""

    name: str
    words: tuple[str, ...]
    held_if: tuple[str, ...]   # an entry whose text has one of these holds this kind of fact


class Unsourced:
    """The kinds, and the test of a message against the entry it would get."""

    def __init__(self, kinds: list[Kind], norm: Callable[[str], str] = str.lower) -> None:
        self.kinds, self.norm = tuple(kinds), norm
        self._texts: dict[str, str] = {}

    @classmethod
    def from_yaml(cls, path: Path, norm: Callable[[str], str] = str.lower) -> Unsourced:
        """Load NAME: {asks: [...], held_if: [...]} groups (none when the file is missing)."""
        raw: Any = read_yaml(path) or {}
        if not isinstance(raw, dict) or not all(
                isinstance(v, dict) and isinstance(v.get("asks"), list) for v in raw.values()):
            raise ValueError(f"{path.name}: expected NAME: {{asks: [...], held_if: [...]}}")
        def words(ws: list[Any]) -> tuple[str, ...]:
            return tuple(w for w in (_squeeze(norm(str(x))) for x in ws) if w)
        return cls([Kind(str(k), words(v["asks"]), words(v.get("held_if") or v["asks"]))
                     for k, v in raw.items()], norm)

    def asks_beyond(self, normalised: str, entry: FaqEntry) -> str | None:
        """The kind of fact the message (normalised) asks for that the entry does not hold, if
        any ('year' for a year after every year the entry mentions)."""
        if HONEST_TAG in entry.tags:  # the entry itself says what the sources lack
            return None
        return self._beyond(_squeeze(normalised), self._text(entry), str(entry.as_of or ""))

    def passage_lacks(self, normalised: str, key: str, sentence: str) -> str | None:
        """As asks_beyond, for a seed sentence that would be quoted instead of an entry."""
        if key not in self._texts:
            self._texts[key] = _squeeze(self.norm(sentence))
        return self._beyond(_squeeze(normalised), self._texts[key], "")

    def _beyond(self, folded: str, text: str, as_of: str) -> str | None:
        for kind in self.kinds:
            if any(w in folded for w in kind.words) and not any(w in text for w in kind.held_if):
                return kind.name
        asked_years = _years(folded)
        known = _years(text) | _years(as_of)
        if asked_years and known and max(asked_years) > max(known) + 1:
            return "year"
        return None

    def _text(self, entry: FaqEntry) -> str:
        """The entry's own words (answer, English answer, more, tags), normalised once."""
        if entry.id not in self._texts:
            whole = " ".join([entry.answer, entry.answer_en or "", entry.more or "",
                              *entry.tags])
            self._texts[entry.id] = _squeeze(self.norm(whole))
        return self._texts[entry.id]


def _squeeze(text: str) -> str:
    return text.replace(" ", "")


def _years(text: str) -> set[int]:
    """Years written in the text, Western or ROC (民國 105 -> 2016)."""
    years = set()
    for match in _YEAR_RE.finditer(text):
        western, roc = match.groups()
        years.add(int(western) if western else int(roc) + ROC_OFFSET)
    return years
