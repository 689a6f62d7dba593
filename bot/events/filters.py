"""What a resident asks to see: kinds, a district and a date range, read from their message.

The words are data (content/event-filters.yaml; districts from content/propose.yaml); text and
words are compared folded (NFKC, lower-case, Simplified), so 「士林区这个月」 and 「１２月」 work.
"""

from __future__ import annotations

import calendar
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.common.content import ContentError, read_yaml
from bot.events.policy import TAIPEI, local
from bot.events.spec import KINDS

COURSES = tuple(k for k in KINDS if k.startswith("course-"))
KIND_WORDS = ("walk", "course", *COURSES)  # "course": every course level
DATE_WORDS = ("today", "tomorrow", "day_after", "this_week", "next_week", "weekend",
              "next_weekend", "this_month", "next_month")
KIND_LETTERS = {"walk": "w", "course-basic": "b", "course-advanced": "a",
                "course-deliberator": "d"}
CN_MONTH = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
            "十": 10, "十一": 11, "十二": 12}
MONTH_DAY = re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})(?!\d)|(?<!\d)(\d{1,2}|十[一二]?|[一二三四五"
                       r"六七八九])月(?:份)?(?:(\d{1,2})[日号])?")


@functools.cache
def _t2s() -> Callable[[str], str]:
    import opencc  # C extension, ~1 µs per message

    convert: Callable[[str], str] = opencc.OpenCC("t2s").convert
    return convert


def fold(text: str) -> str:
    """Text as compared: NFKC, lower-case, Simplified."""
    return _t2s()(unicodedata.normalize("NFKC", text).lower())


@dataclass(frozen=True)
class FilterWords:
    """Folded words per kind, per date range, and per district (with its aliases)."""

    kinds: dict[str, tuple[str, ...]]
    dates: dict[str, tuple[str, ...]]
    districts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, content_dir: Path) -> FilterWords:
        """Read event-filters.yaml and the districts of propose.yaml."""
        raw = read_yaml(content_dir / "event-filters.yaml")
        spec = read_yaml(content_dir / "propose.yaml")
        try:
            districts = {d["name"]: (d["name"], *d.get("aliases", ()), d.get("en", ""))
                         for d in spec["districts"]}
            return cls(_folded(raw["kinds"]), _folded(raw["dates"]), _folded(districts))
        except (KeyError, TypeError, AttributeError) as exc:
            raise ContentError(f"event-filters.yaml: {type(exc).__name__}: {exc}") from None



def _folded(groups: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    return {str(k): tuple(fold(str(w)) for w in v if str(w).strip()) for k, v in groups.items()}


@dataclass(frozen=True)
class Filter:
    """Kinds (empty: all), a district ("" for any) and Taipei dates (inclusive, None: open)."""

    kinds: tuple[str, ...] = ()
    district: str = ""
    first: date | None = None
    last: date | None = None

    @property
    def empty(self) -> bool:
        """True when nothing narrows the list."""
        return not (self.kinds or self.district or self.first or self.last)

    def encode(self) -> str:
        """A compact form for a button's arg, e.g. wb:士林區:20271201:20271231."""
        kinds = "".join(KIND_LETTERS[k] for k in self.kinds)
        days = [d.strftime("%Y%m%d") if d else "" for d in (self.first, self.last)]
        return ":".join((kinds, self.district, *days))

    @classmethod
    def decode(cls, text: str) -> Filter | None:
        """The filter encode() wrote, or None for anything else."""
        parts = text.split(":")
        letters = {v: k for k, v in KIND_LETTERS.items()}
        if len(parts) != 4 or any(c not in letters for c in parts[0]):
            return None
        try:
            first, last = (datetime.strptime(p, "%Y%m%d").date() if p else None
                           for p in parts[2:])
        except ValueError:
            return None
        return cls(tuple(letters[c] for c in parts[0]), parts[1][:8], first, last)


def parse(text: str, words: FilterWords, now: datetime, action: str | None = None) -> Filter:
    """The filter a message asks for; the NLP's action (walk | course) counts as a kind word."""
    folded = fold(text)
    kinds = _kinds(folded, words, action)
    district = _longest(folded, words.districts)
    first, last = _dates(folded, words, local(now).date())
    return Filter(kinds, district or "", first, last)


def _longest(text: str, groups: dict[str, tuple[str, ...]]) -> str | None:
    """The group whose word found in text is longest (None when none is)."""
    found = [(len(w), name) for name, ws in groups.items() for w in ws if w and w in text]
    return max(found)[1] if found else None


def _kinds(text: str, words: FilterWords, action: str | None) -> tuple[str, ...]:
    hits = {name for name, ws in words.kinds.items() if any(w in text for w in ws)}
    if action in ("walk", "course"):
        hits.add(action)
    levels = [k for k in COURSES if k in hits]
    if not levels and "course" in hits:
        levels = list(COURSES)
    return tuple(k for k in KINDS if k in levels or (k == "walk" and "walk" in hits))


def _dates(text: str, words: FilterWords, today: date) -> tuple[date | None, date | None]:
    named = _longest(text, words.dates)
    if named is not None:
        return _named_range(named, today)
    match = MONTH_DAY.search(text)
    if match is None:
        return None, None
    return _month_day(match, today)


def _named_range(name: str, today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    saturday = monday + timedelta(days=5) if today.weekday() < 6 else today
    month_end = _month_end(today.year, today.month)
    next_first = month_end + timedelta(days=1)
    ranges = {
        "today": (today, today), "tomorrow": (today + timedelta(days=1),) * 2,
        "day_after": (today + timedelta(days=2),) * 2,
        "this_week": (today, monday + timedelta(days=6)),
        "next_week": (monday + timedelta(days=7), monday + timedelta(days=13)),
        "weekend": (max(today, saturday), monday + timedelta(days=6)),
        "next_weekend": (monday + timedelta(days=12), monday + timedelta(days=13)),
        "this_month": (today, month_end),
        "next_month": (next_first, _month_end(next_first.year, next_first.month)),
    }
    return ranges[name]


def _month_day(match: re.Match[str], today: date) -> tuple[date | None, date | None]:
    slash_month, slash_day, month_word, day_word = match.groups()
    month = int(slash_month) if slash_month else _month_number(month_word)
    day = int(slash_day or day_word or 0)
    if not 1 <= month <= 12:
        return None, None
    year = today.year if month >= today.month else today.year + 1
    if day:
        try:
            when = date(year, month, day)
        except ValueError:
            return None, None
        if when < today:  # 12/1 asked on 12/5: next year's
            when = when.replace(year=when.year + 1)
        return when, when
    first = max(today, date(year, month, 1))
    return first, _month_end(year, month)


def _month_number(word: str) -> int:
    return int(word) if word.isdigit() else CN_MONTH.get(word, 0)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def day_start(day: date) -> datetime:
    """Midnight at the start of a Taipei calendar day."""
    return datetime.combine(day, datetime.min.time(), TAIPEI)
