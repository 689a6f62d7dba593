"""LOG_FORMAT=json: one JSON object per line, redacted exactly like the text lines."""

from __future__ import annotations

import json
import logging

import pytest

from bot.common.logs import RedactingFormatter, redact, setup_logging
from bot.common.logs_json import JsonFormatter, use_json
from bot.common.settings import SettingsError, load_settings

LINE_ID = "U" + "a" * 32
KEY = f"line:{LINE_ID}:{LINE_ID}"


def _record(msg: str, *args: object, **extra: object) -> logging.LogRecord:
    record = logging.getLogger("bot.turn").makeRecord(
        "bot.turn", logging.INFO, __file__, 1, msg, args, None)
    record.__dict__.update(extra)
    return record


def test_json_line_has_the_fields_and_is_redacted_like_text() -> None:
    record = _record("turn for %s via /p/tok123?user=%s", KEY, LINE_ID,
                     platform="line", intent="faq", replies=2, kind="text")
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "INFO" and entry["logger"] == "bot.turn"
    assert entry["time"].endswith("+00:00")
    assert (entry["platform"], entry["intent"], entry["replies"]) == ("line", "faq", 2)
    text = RedactingFormatter("%(message)s").format(record)
    assert entry["message"] == text == redact(record.getMessage())
    assert LINE_ID not in line and "tok123" not in line


def test_a_traceback_stays_on_one_line_and_redacted() -> None:
    try:
        raise ValueError(f"bad {KEY}")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed", (), __import__("sys").exc_info())
    line = JsonFormatter().format(record)
    assert len(line.splitlines()) == 1
    entry = json.loads(line)
    assert "ValueError" in entry["exc"] and LINE_ID not in line


def test_log_format_json_switches_every_line(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    try:
        setup_logging("INFO")
        use_json()
        logging.getLogger("bot.web").warning("webhook from %s refused", LINE_ID)
        logging.getLogger("bot.turn").info("turn", extra={"platform": "telegram"})
    finally:
        root.handlers[:] = saved
        root.setLevel(level)
    lines = capsys.readouterr().err.strip().splitlines()
    entries = [json.loads(line) for line in lines]  # each line is one JSON object
    assert [e["logger"] for e in entries] == ["bot.web", "bot.turn"]
    assert entries[0]["message"] == "webhook from [line-id] refused"
    assert entries[1]["platform"] == "telegram"


def test_log_format_setting_is_checked() -> None:
    assert load_settings(log_format="JSON").log_format == "json"
    with pytest.raises(SettingsError, match="LOG_FORMAT"):
        load_settings(log_format="xml")
