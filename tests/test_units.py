"""Small pure pieces: settings validation, text splitting, button payloads."""

from __future__ import annotations

import pytest

from bot.adapters.common import numbered, split_text, utf16_len
from bot.common.settings import SettingsError, load_settings
from bot.core.buttons import choice, parse, stamp
from bot.core.types import Choice, Context, Text, Turn
from bot.handlers.features import is_stale


def test_settings_defaults_and_platform_switches(monkeypatch: pytest.MonkeyPatch) -> None:
    s = load_settings()
    assert s.port == 8080 and s.database_url.startswith("sqlite://")
    assert not s.line_enabled and s.local_chat_enabled
    s = load_settings(line_channel_secret="x", line_channel_access_token="y")
    assert s.line_enabled and not s.local_chat_enabled


@pytest.mark.parametrize(("env", "value", "fragment"), [
    ("PORT", "eighty", "PORT"),
    ("DATABASE_URL", "mysql://x", "DATABASE_URL"),
    ("TELEGRAM_API_BASE_URL", "api.telegram.org", "TELEGRAM_API_BASE_URL"),
    ("TELEGRAM_WEBHOOK_SECRET", "has spaces!", "TELEGRAM_WEBHOOK_SECRET"),
    ("LINE_CHANNEL_SECRET", "only-half", "LINE_CHANNEL_ACCESS_TOKEN"),
])
def test_bad_settings_name_the_culprit(monkeypatch: pytest.MonkeyPatch, env: str, value: str,
                                       fragment: str) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(SettingsError, match=fragment):
        load_settings()


def test_split_respects_limits_and_keeps_everything() -> None:
    text = "第一段\n" + "字" * 6000 + "\n最後"
    chunks = split_text(text, 5000)
    assert all(utf16_len(c) <= 5000 for c in chunks)
    assert "".join(chunks).replace("\n", "") == text.replace("\n", "")
    emoji = "😀" * 3000  # two UTF-16 units each
    assert all(utf16_len(c) <= 5000 for c in split_text(emoji, 5000))
    assert split_text("short", 10) == ["short"]


def test_numbered_lists_labels_too_long_for_buttons() -> None:
    short = (Choice("好", "p"),)
    assert numbered("q", short, 20) == "q"
    long = (Choice("這是一個超過二十個字的非常長的問題標籤喔喔喔", "p"),)
    assert "1. 這是一個超過" in numbered("q", long, 20)


def test_buttons_are_stamped_and_stale_ones_detected() -> None:
    turn = Turn(Context(), (Text("hi", (choice("Yes", "mydata_confirm"),)),))
    stamped = stamp(turn)
    payload = stamped.replies[0].choices[0].payload
    press = parse(payload)
    assert press is not None and press.action == "mydata_confirm"
    assert stamped.context.nonce and press.nonce == stamped.context.nonce
    assert not is_stale(press, stamped.context)
    newer = stamp(stamped)
    assert is_stale(press, newer.context)
    faq_press = parse("oldnonce|faq|pb-what")
    assert faq_press is not None and not is_stale(faq_press, newer.context)  # stateless
    assert parse("garbage") is None and parse("||") is None
    assert len(payload.encode()) <= 64
