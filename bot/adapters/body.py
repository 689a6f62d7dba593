"""Request bodies from outside (webhooks, the local chat): parsed within limits and cleaned.

A body is refused (BadBody, answered 400) when it is not JSON, nests deeper than any real
platform body, or breaks the shapes the adapters rely on. Strings are cleaned, not refused:
a lone surrogate ("\\ud800") becomes U+FFFD and NUL is dropped, because neither can be
stored (UTF-8 has no surrogates; PostgreSQL text has no NUL) and one such string must never
fail the shared transaction that records other requests' events.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 24  # LINE and Telegram bodies nest less than 12 levels
MAX_ID = 64  # user, chat, group and event ids are stored in columns of 64 characters
_SURROGATE = re.compile("[\ud800-\udfff]")
_ID = re.compile(r"[\x21-\x7e]{1,64}")  # visible ASCII


class BadBody(ValueError):
    """A body the bot refuses with 400; the message says why, with no personal data."""


def parse_json(raw: bytes) -> Any:
    """The body's JSON value with every string cleaned; BadBody when it is not usable JSON."""
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadBody("body is not JSON") from None
    return clean(value)


def parse_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object (cleaned); BadBody otherwise."""
    value = parse_json(raw)
    if not isinstance(value, dict):
        raise BadBody("body is not a JSON object")
    return value


def clean(value: Any, depth: int = 0) -> Any:
    """value with lone surrogates replaced and NUL removed in every string and key."""
    if depth > MAX_DEPTH:
        raise BadBody(f"body nests deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(k): clean(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v, depth + 1) for v in value]
    return value


def clean_text(text: str) -> str:
    """text that UTF-8 and PostgreSQL can store: lone surrogates -> U+FFFD, NUL dropped."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


def need(ok: bool, reason: str) -> None:
    """Raise BadBody(reason) unless ok."""
    if not ok:
        raise BadBody(reason)


def is_id(value: Any) -> bool:
    """A platform id we can store: 1-64 visible ASCII characters."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def is_int(value: Any) -> bool:
    """An integer that is not a bool, within 64 bits (Telegram ids and dates)."""
    return isinstance(value, int) and not isinstance(value, bool) and -(2 ** 63) <= value < 2 ** 63


def optional(value: dict[str, Any], name: str, kind: type) -> bool:
    """True when value[name] is absent, null or of kind (an int field takes no bool)."""
    item = value.get(name)
    if item is None:
        return True
    return isinstance(item, kind) and (kind is bool or not isinstance(item, bool))
