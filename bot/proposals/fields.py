"""Parsing and validating what a resident types at each wizard step (pure functions)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from bot.proposals.spec import Option, Step

DIGITS = {"零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "兩": 2, "貳": 2, "三": 3, "參": 3,
          "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陸": 6, "七": 7, "柒": 7, "八": 8,
          "捌": 8, "九": 9, "玖": 9}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"萬": 10_000, "万": 10_000, "億": 100_000_000, "亿": 100_000_000}
# Currency words and separators; the words for "about" (大概, 左右 ...) come from content.
MONEY_NOISE = re.compile(r"(新臺幣|新台幣|台幣|臺幣|nt\$|ntd|twd|塊錢|元|塊|\$|,|，|\s)")
PHONE = re.compile(r"^(09\d{8}|0[2-8]\d{7,8})$")


@dataclass(frozen=True)
class Parsed:
    """A valid value, or the content key of the problem (with its parameters)."""

    value: object = None
    error: str = ""
    params: tuple[tuple[str, object], ...] = ()

    @property
    def ok(self) -> bool:
        """True when the value is valid."""
        return not self.error


def clean(text: str) -> str:
    """Text as stored: NFC, control characters dropped, spaces collapsed, trimmed."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(c for c in text if c in "\n" or unicodedata.category(c)[0] != "C")
    return re.sub(r"[ \t\u3000]+", " ", text).strip()


def parse_text(step: Step, text: str) -> Parsed:
    """Free text within the step's length limits."""
    value = clean(text)
    if len(value) < step.min:
        return Parsed(error="propose.error.too_short", params=(("min", step.min),))
    if step.max and len(value) > step.max:
        return Parsed(error="propose.error.too_long",
                      params=(("max", step.max), ("length", len(value))))
    return Parsed(value)


def parse_option(options: tuple[Option, ...], text: str) -> Parsed:
    """A typed choice: a label, an alias or its English name (case-insensitive)."""
    word = clean(text).lower().replace(" ", "")
    names = {o.id: {n.lower().replace(" ", "") for n in (o.id, o.zh, o.en, *o.aliases) if n}
             for o in options}
    exact = [oid for oid, ns in names.items() if word in ns]
    # A unique part of a label counts too (「交通」 for 「交通與道路」), never an ambiguous one.
    partial = [oid for oid, ns in names.items() if len(word) >= 2 and any(word in n for n in ns)]
    found = exact or (partial if len(partial) == 1 else [])
    return Parsed(found[0]) if found else Parsed(error="propose.error.pick_one")


def parse_money(step: Step, text: str, approx: Iterable[str] = ()) -> Parsed:
    """A rough cost in yuan: 「50萬」, 「五十萬元」, 「500,000」, 「1.5萬」, 「3千」; approx
    are the words that say "about" (「大概八十萬」, 「80萬左右」), ignored."""
    amount = money_value(text, approx)
    if amount is None:
        return Parsed(error="propose.error.not_money")
    if amount < step.min or (step.max and amount > step.max):
        return Parsed(error="propose.error.money_range",
                      params=(("min", f"{step.min:,}"), ("max", f"{step.max:,}")))
    return Parsed(amount)


def money_value(text: str, approx: Iterable[str] = ()) -> int | None:
    """The amount a text names (ignoring the approx words), or None when it names none."""
    word = MONEY_NOISE.sub("", unicodedata.normalize("NFKC", text).lower())
    for hedge in sorted(approx, key=len, reverse=True):  # 差不多 before 多
        word = word.replace(hedge, "")
    if not word:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", word):
        return round(float(word))
    if re.fullmatch(r"\d+(\.\d+)?[千仟百佰萬万億亿]", word):
        unit = word[-1]
        return round(float(word[:-1]) * (BIG_UNITS.get(unit) or SMALL_UNITS[unit]))
    return _chinese_number(word)


def _chinese_number(word: str) -> int | None:
    total, section, digit = 0, 0, None
    for char in word:
        if char.isdigit():
            digit = (digit or 0) * 10 + int(char)
        elif char in DIGITS:
            digit = DIGITS[char]
        elif char in SMALL_UNITS:
            section += (1 if digit is None else digit) * SMALL_UNITS[char]
            digit = None
        elif char in BIG_UNITS:
            total += (section + (digit or 0)) * BIG_UNITS[char]
            section, digit = 0, None
        else:
            return None
    value = total + section + (digit or 0)
    return value or None


def parse_phone(text: str) -> Parsed:
    """A Taiwan mobile (09xxxxxxxx) or landline (02-xxxx-xxxx) number, stored digits only."""
    digits = re.sub(r"[\s\-()（）]", "", unicodedata.normalize("NFKC", text))
    if digits.startswith("+886"):
        digits = "0" + digits[4:]
    if not PHONE.match(digits):
        return Parsed(error="propose.error.phone")
    return Parsed(digits)
