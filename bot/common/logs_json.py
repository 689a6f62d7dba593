"""LOG_FORMAT=json: one JSON object per line, redacted exactly like the text lines.

A formatter of its own (bot/logs.py keeps the text one and the redaction rules): every string
that goes out (the message, the turn's fields, a traceback) passes through the same
`bot.logs.redact`, after whatever filters the handler has, so a rule added there covers both.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from bot.common import logs

# Fields a log call may pass with extra={...} (the turn line's); nothing else is copied.
TURN_FIELDS = ("platform", "kind", "state", "next_state", "intent", "faq", "replies")


class JsonFormatter(logging.Formatter):
    """time, level, logger, message (and the turn's fields, exc) as one JSON line."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON, every string redacted."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in TURN_FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(_redacted(entry), ensure_ascii=False)


def _redacted(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: logs.redact(v) if isinstance(v, str) else v for k, v in entry.items()}


def use_json() -> None:
    """Switch the root logger's handlers (set up by bot.logs.setup_logging) to JSON lines."""
    for handler in logging.getLogger().handlers:
        handler.setFormatter(JsonFormatter())
