"""Text normalisation: one canonical form for indexing and for queries.

`fold` = NFKC (full-width to half-width), lower-case, Traditional to Simplified (OpenCC t2s:
jieba's dictionary is Simplified and segments it far better, see docs/stack-notes.md), every
punctuation mark, symbol and emoji dropped, whitespace runs collapsed. A space survives only
between two ASCII words ("what is i-voting"); "-" only inside a word ("i-voting", "top-down"),
"." only inside a number or name ("17.13", "pb.taipei").

`Normalizer` then applies the rewrites of content/nlp/rewrites.yaml (注音文 ㄉ -> 的, 4 -> 是
before 什麼, 幹嘛 -> 做什麼 ...) and the synonym and abbreviation expansion of
content/nlp/synonyms.yaml (參預 -> 參與式預算, ivoting -> i-Voting ...), both written in
Traditional and folded on load. A replaced phrase gets a space each side: a word boundary for
segmentation (`compact` drops it).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol

from bot.common.yamlfile import read_yaml


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


_DIGIT_GROUP_RE = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")  # 57,486 -> 57486
_DROP_RE = re.compile(r"[^\w.\-]+|_+")
_LONE_MARK_RE = re.compile(r"(?<![a-z0-9])\.|\.(?![a-z0-9])|(?<![a-z])-|-(?![a-z])")
_ASCII_WORD_RE = re.compile(r"[a-z0-9]")
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_LATIN_WORD_RE = re.compile(r"[A-Za-z]+")


@functools.cache
def _t2s() -> _Converter:
    import opencc  # C extension; ~1 µs per short question

    converter: _Converter = opencc.OpenCC("t2s")
    return converter


def to_simplified(text: str) -> str:
    """Traditional to Simplified with OpenCC t2s (Simplified text passes through)."""
    return _t2s().convert(text)


def fold(text: str) -> str:
    """The canonical form without synonym expansion (see the module docstring)."""
    text = to_simplified(unicodedata.normalize("NFKC", text).lower())
    text = _DIGIT_GROUP_RE.sub("", text)
    text = _LONE_MARK_RE.sub(" ", _DROP_RE.sub(" ", text))
    return _join(text.split())


def normalize(text: str) -> str:
    """`fold`: what duplicate checks and clustering compare (no synonyms needed there)."""
    return fold(text)


def _join(pieces: list[str]) -> str:
    if not pieces:
        return ""
    out = [pieces[0]]
    for piece in pieces[1:]:
        ascii_edges = _ASCII_WORD_RE.match(out[-1][-1]) and _ASCII_WORD_RE.match(piece[0])
        out.append(f" {piece}" if ascii_edges else piece)
    return "".join(out)


def detect_lang(text: str) -> str:
    """'en' when the text is mostly English words, else 'zh'.

    No Chinese character and some Latin letters: English. With Chinese characters, English only
    when it has at least 3 English words and 4 Latin letters per Chinese character, so that
    "i-Voting 提醒我" or "GO SMART 是什麼" stay Chinese.
    """
    cjk = len(_CJK_RE.findall(text))
    words = _LATIN_WORD_RE.findall(text)
    letters = sum(len(w) for w in words)
    if cjk == 0:
        return "en" if letters else "zh"
    return "en" if len(words) >= 3 and letters >= 4 * cjk else "zh"


class Synonyms:
    """Variant -> canonical replacement in one pass, longest variant first."""

    def __init__(self, table: Mapping[str, str]) -> None:
        self.table = dict(table)
        # canonical forms are matched too (and left as they are), so that a variant inside a
        # canonical form (空氣盒 in 空氣盒子) is never replaced there
        keys = sorted(set(self.table) | set(self.table.values()), key=len, reverse=True)
        self._re = re.compile("|".join(_bounded(k) for k in keys)) if keys else None

    @classmethod
    def from_mapping(cls, canonical_to_variants: Mapping[str, list[str]]) -> Synonyms:
        """From {canonical: [variants]} as written by people (any script, any case)."""
        table: dict[str, str] = {}
        for canonical, variants in canonical_to_variants.items():
            target = fold(str(canonical))
            for variant in variants:
                key = fold(str(variant))
                if key in table and table[key] != target:
                    raise ValueError(f"synonym {variant!r} maps to both {table[key]!r} "
                                     f"and {target!r}")
                if key and key != target:
                    table[key] = target
        return cls(table)

    def expand(self, folded: str, *, spaced: bool = True) -> str:
        """Replace every variant in folded text by its canonical form, spaced: with a space
        each side (a word boundary for the segmenter; `compact` removes it again)."""
        if self._re is None:
            return folded
        return self._re.sub(lambda m: self._replace(m.group(0), spaced), folded).strip()

    def _replace(self, found: str, spaced: bool) -> str:
        canonical = self.table.get(found)
        if canonical is None:  # a canonical form: unchanged, no boundary added
            return found
        return f" {canonical} " if spaced else canonical


def load_synonyms(path: Path) -> tuple[Synonyms, dict[str, str]]:
    """content/nlp/synonyms.yaml: (phrase synonyms, word synonyms: folded variant -> canonical)."""
    raw = read_yaml(path)
    raw = raw or {}
    if not isinstance(raw, dict) or set(raw) - {"phrases", "words"}:
        raise ValueError(f"{path.name}: expected sections `phrases:` and `words:`")
    sections = {}
    for name in ("phrases", "words"):
        section = raw.get(name) or {}
        if not isinstance(section, dict):
            raise ValueError(f"{path.name}: {name} should map canonical -> [variants]")
        sections[name] = Synonyms.from_mapping({str(k): list(v or []) for k, v in section.items()})
    return sections["phrases"], sections["words"].table


def compact(text: str) -> str:
    """Normalised text without the word-boundary spaces (kept between two ASCII words)."""
    return _join(text.split())


def _bounded(key: str) -> str:
    """A regex for key that never matches inside an ASCII word."""
    head = r"(?<![a-z0-9])" if _ASCII_WORD_RE.match(key[0]) else ""
    tail = r"(?![a-z0-9])" if _ASCII_WORD_RE.match(key[-1]) else ""
    return f"{head}{re.escape(key)}{tail}"


Replacement = str | Callable[[re.Match[str]], str]


class Rewrites:
    """Ordered regex rewrites on folded text (content/nlp/rewrites.yaml)."""

    def __init__(self, rules: list[tuple[re.Pattern[str], Replacement]]) -> None:
        self.rules = tuple(rules)

    @classmethod
    def from_yaml(cls, path: Path) -> Rewrites:
        """`zhuyin` (letter -> character) and `rules` (from -> to), folded on load; a
        malformed file raises ValueError naming what is wrong."""
        raw = read_yaml(path)
        raw = raw or {}
        if not isinstance(raw, dict) or set(raw) - {"zhuyin", "rules"}:
            raise ValueError(f"{path.name}: expected sections `zhuyin:` and `rules:`")
        zhuyin = raw.get("zhuyin") or {}
        rules: list[tuple[re.Pattern[str], Replacement]] = []
        if zhuyin:
            table = {str(k): fold(str(v)) for k, v in zhuyin.items()}
            letters = "".join(re.escape(k) for k in table)
            rules.append((re.compile(f"[{letters}]"), _Lookup(table)))
        for number, rule in enumerate(raw.get("rules") or [], 1):
            if not isinstance(rule, dict) or set(rule) != {"from", "to"}:
                raise ValueError(f"{path.name} rule #{number}: expected {{from: ..., to: ...}}")
            try:
                pattern = re.compile(to_simplified(str(rule["from"]).lower()))
            except re.error as exc:
                raise ValueError(f"{path.name} rule #{number}: bad pattern: {exc}") from exc
            rules.append((pattern, fold(str(rule["to"]))))
        return cls(rules)

    def __call__(self, folded: str) -> str:
        for pattern, replacement in self.rules:
            folded = pattern.sub(replacement, folded)
        return _join(folded.split())


class _Lookup:
    """A re.sub replacement that maps the matched text through a table."""

    def __init__(self, table: Mapping[str, str]) -> None:
        self.table = dict(table)

    def __call__(self, match: re.Match[str]) -> str:
        return self.table.get(match.group(0), match.group(0))


class Normalizer:
    """fold, rewrites, then synonym expansion: the form both the index and every query use."""

    def __init__(self, synonyms: Synonyms | None = None,
                 rewrites: Rewrites | None = None) -> None:
        self.synonyms = synonyms or Synonyms({})
        self.rewrites = rewrites or Rewrites([])

    @classmethod
    def from_dir(cls, nlp_dir: Path) -> Normalizer:
        """With content/nlp/synonyms.yaml's phrases and rewrites.yaml, when they exist."""
        return cls(load_synonyms(nlp_dir / "synonyms.yaml")[0],
                   Rewrites.from_yaml(nlp_dir / "rewrites.yaml"))

    def __call__(self, text: str) -> str:
        return self.synonyms.expand(self.rewrites(fold(text)))
