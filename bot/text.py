"""Text helpers shared by handlers and storage."""

from __future__ import annotations

import re

# Personal data must not reach the question log: mask long digit runs, e-mails and URLs.
_PII = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|https?://\S+|\d[\d\s-]{5,}\d")


def scrub(text: str) -> str:
    """The text with phone numbers, e-mails and links masked, cut to 200 characters."""
    return _PII.sub("＊", text)[:200]
