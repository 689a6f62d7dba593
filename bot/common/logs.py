"""Logging set-up: one format, and no secrets or personal ids in any line or traceback.

Every line the process writes (ours, aiohttp's access log, library tracebacks) goes through
`redact`: printable-page tokens, user ids in query strings, LINE ids, conversation keys,
Telegram ids and bot tokens are replaced before anything reaches the log.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from aiohttp.web_log import AccessLogger

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
NOISY = ("jieba", "httpx", "aiosqlite", "tortoise", "asyncio")
_RULES: list[tuple[re.Pattern[str], str]] = [
    # /p/<token>: the printable proposal page's only key.
    (re.compile(r"/p/[^\s\"'?#/]+"), "/p/[token]"),
    # ?user=<id> and friends in URLs (the local chat's poll, any future link).
    (re.compile(r"([?&](?:user|user_id|chat_id|token|key)=)[^&\s\"']+"), r"\1[redacted]"),
    # Telegram bot tokens (in API URLs of client errors).
    (re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{8,}"), "[bot-token]"),
    # Conversation keys: platform:chat:user, and their tuple form ('line', 'U…', 'U…').
    (re.compile(r"\b(line|telegram|local):[^\s:,)'\"]+:[^\s,)'\"]+"), r"\1:[chat]:[user]"),
    (re.compile(r"\(\s*'(line|telegram|local)',\s*'[^']*',\s*'[^']*'\s*\)"),
     r"('\1', '[chat]', '[user]')"),
    # LINE user, group and room ids.
    (re.compile(r"\b[UCR][0-9a-f]{32}\b"), "[line-id]"),
    # Telegram user and chat ids (and any long number: phone numbers too).
    (re.compile(r"(?<![\w.:/-])-?\d{7,}(?![\w.])"), "[number]"),
]


def redact(text: str) -> str:
    """text with tokens, user ids and conversation keys replaced."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


class RedactingFormatter(logging.Formatter):
    """A formatter whose every line, traceback included, has gone through redact()."""

    def format(self, record: logging.LogRecord) -> str:
        """The formatted record, redacted."""
        return redact(super().format(record))


class RedactingAccessLogger(AccessLogger):
    """aiohttp's access log with each field redacted (paths, query strings, referers)."""

    def _format_line(self, request: Any, response: Any, time: float
                     ) -> Iterable[tuple[str | tuple[str, str], str]]:
        return [(key, redact(value) if isinstance(value, str) else value)
                for key, value in super()._format_line(request, response, time)]


def setup_logging(level: str) -> None:
    """Log to stderr at level (already validated), every line redacted."""
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter(FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in NOISY:  # their DEBUG lines carry SQL parameters and request URLs
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
