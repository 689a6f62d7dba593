"""Logging set-up: one format, and no secrets or personal ids in any line or traceback.

Every line the process writes (ours, aiohttp's access log, library tracebacks) goes through
`redact`: the token part of every route in SECRET_ROUTES, user ids in query strings, LINE ids,
conversation keys, Telegram ids and bot tokens are replaced before anything reaches the log.
Other libraries' loggers are capped at WARNING whatever LOG_LEVEL says: their DEBUG and INFO
lines carry request bodies (python-telegram-bot logs each sendMessage with its text), SQL
parameters and URLs; our own lines never carry message text, names or codes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from aiohttp.web_log import AccessLogger

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# The routes whose paths carry a secret (the only key to what they serve): the access log and
# every other line show them as "[token]". A test checks that every route with a variable
# part is listed here.
SECRET_ROUTES = (
    "/p/{token}",  # a proposal's printable page
    "/e/{token}.ics",  # a resident's calendar file, with the event's check-in code
    "/staff/login/{token}",  # a staff console's one-time sign-in link
)
OURS = ("bot", "aiohttp.access", "__main__")  # loggers that may log below WARNING
# A retry notice with a traceback for every reconnection attempt during an outage, which
# bot.common.availability reports once.
QUIET = ("asyncpg.pool",)
NOISY = ("jieba", "httpx", "httpcore", "aiosqlite", "tortoise", "asyncio", "asyncpg",
         "telegram", "linebot", "aiohttp", "urllib3")


def _route_rule(route: str) -> tuple[re.Pattern[str], str]:
    prefix, _, suffix = route.partition("{token}")
    token = r"[^\s\"'?#/]+?" if suffix else r"[^\s\"'?#/]+"
    end = f"({re.escape(suffix)})?" if suffix else "()"
    return (re.compile(re.escape(prefix) + token + end + r"(?=[\s\"'?#/]|$)"),
            prefix + r"[token]\1")


_RULES: list[tuple[re.Pattern[str], str]] = [
    *(_route_rule(route) for route in SECRET_ROUTES),
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


class OnlyOursBelowWarning(logging.Filter):
    """Drop other libraries' DEBUG and INFO records (a library may lower its own level)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """True to keep the record."""
        return record.levelno >= logging.WARNING or any(
            record.name == name or record.name.startswith(name + ".") for name in OURS)


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
    handler.addFilter(OnlyOursBelowWarning())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in NOISY:  # not even formatted: their DEBUG lines are many (and dropped anyway)
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    for quiet in QUIET:
        logging.getLogger(quiet).setLevel(max(logging.ERROR, logging.getLevelName(level)))
    logging.getLogger("aiohttp.access").setLevel(level)  # on or off: ACCESS_LOG decides
