"""Text helpers shared by handlers and storage."""

from __future__ import annotations

import re

KEEP = 200  # characters of a question kept for the FAQ report
# Cut before masking: a phone number or e-mail that straddles the cut is still masked, and a
# message of any length costs the same (scrub may run inside a saving transaction).
_WINDOW = KEEP * 2
# Personal data must not reach the question log: mask e-mails, links and digit runs (phone
# numbers, ids). Each run is scanned once: the look-behinds start a match only at the start
# of a run and the possessive quantifiers never give back, so masking is linear in the text.
_PII = re.compile(
    r"(?<![\w.+-])[\w.+-]++@[\w-]++\.[\w.]++"  # e-mail
    r"|https?://\S++"                           # link
    r"|(?<!\d)\d(?:[\s-]*+\d)++"                # digits with spaces or dashes between
)
_MIN_DIGITS = 7


def scrub(text: str) -> str:
    """The text with phone numbers, e-mails and links masked, cut to 200 characters."""
    return _PII.sub(_mask, text[:_WINDOW])[:KEEP]


def has_contact(text: str) -> bool:
    """True when scrub would mask something in text (a phone number, an e-mail, a link)."""
    return any(_mask(m) != m.group() for m in _PII.finditer(text))


def _mask(match: re.Match[str]) -> str:
    found = match.group()
    if found[0].isdigit() and sum(c.isdigit() for c in found) < _MIN_DIGITS:
        return found  # a year, an amount, a house number: not personal
    return "＊"
