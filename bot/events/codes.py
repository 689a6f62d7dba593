"""Check-in codes (8 characters, read out at the door) and unguessable link tokens."""

from __future__ import annotations

import re
import secrets

CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # A-Z and 2-9 without O and I
CODE_LENGTH = 8
CODE_RE = re.compile(rf"^[{CODE_CHARS}]{{{CODE_LENGTH}}}$")
_SEPARATORS = re.compile(r"[\s\-－‐_]")


def new_code() -> str:
    """A random code; uniqueness per event is checked where it is stored."""
    return "".join(secrets.choice(CODE_CHARS) for _ in range(CODE_LENGTH))


def read_code(text: str) -> str | None:
    """The code in what a clerk typed (any case, spaces or hyphens allowed), else None."""
    word = _SEPARATORS.sub("", text.strip()).upper()
    return word if CODE_RE.match(word) else None


def new_token() -> str:
    """An unguessable key for a registration's calendar link (22 URL-safe characters)."""
    return secrets.token_urlsafe(16)
