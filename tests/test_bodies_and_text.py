"""Pure parts of the hardening: body cleaning and shape checks (fuzzed), and scrub."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.body import BadBody, clean, parse_json
from bot.adapters.line import LineAdapter
from bot.adapters.telegram import TelegramAdapter
from bot.common import text as text_module
from bot.common.text import has_contact, scrub
from tests.bot_harness import LINE_SECRET, TG_SECRET, TG_TOKEN
from tests.fakes.webhooks import line_text_event, telegram_message_update

LINE = LineAdapter(LINE_SECRET, "token", "http://127.0.0.1:9")
TELEGRAM = TelegramAdapter(TG_TOKEN, TG_SECRET, "http://127.0.0.1:9")

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) \
    | st.text(alphabet=st.characters(codec=None, categories=None), max_size=80)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=12), inner, max_size=4),
                           max_leaves=20)


def _storable(value: str, limit: int) -> bool:
    return len(value) <= limit and "\x00" not in value and bool(value.encode("utf-8"))


def _mutate(base: dict[str, Any], path: list[str], value: Any) -> dict[str, Any]:
    node = json.loads(json.dumps(base))
    target = node
    for part in path[:-1]:
        target = target.setdefault(part, {}) if isinstance(target, dict) else target
    if isinstance(target, dict):
        target[path[-1]] = value
    return dict(node)


LINE_PATHS = [["events"], ["events", "0"], ["source"], ["source", "userId"], ["source", "type"],
              ["webhookEventId"], ["message"], ["message", "text"], ["postback"], ["timestamp"]]
TG_PATHS = [["message"], ["message", "from"], ["message", "chat"], ["message", "chat", "id"],
            ["message", "text"], ["update_id"], ["callback_query"], ["message", "from", "id"]]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(path=st.sampled_from(LINE_PATHS), value=json_values)
def test_line_events_accept_or_refuse_never_crash(path: list[str], value: Any) -> None:
    event = line_text_event("U" + "6" * 32, "你好")
    body = {"destination": "U" + "0" * 32, "events": [event]}
    mutated = _mutate(body, path, value) if path[0] == "events" else \
        {**body, "events": [_mutate(event, path, value)]}
    try:
        events = LINE.events(clean(json.loads(json.dumps(mutated))))
    except BadBody:
        return
    for e in events:  # what is recorded fits its columns and can be stored on both backends
        assert _storable(e.event_key, 64) and _storable(e.conv_key, 255)
        json.dumps(e.payload, ensure_ascii=False).encode("utf-8")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(path=st.sampled_from(TG_PATHS), value=json_values)
def test_telegram_updates_accept_or_refuse_never_crash(path: list[str], value: Any) -> None:
    update = _mutate(telegram_message_update(77, 4242, 4242, "hi"), path, value)
    try:
        events = TELEGRAM.events(clean(json.loads(json.dumps(update))))
    except BadBody:
        return
    for e in events:
        assert _storable(e.event_key, 64) and _storable(e.conv_key, 255)


def test_clean_replaces_lone_surrogates_and_drops_nul() -> None:
    raw = json.dumps({"a\ud800": ["x\udfffy", "n\u0000ul", "😀"]}).encode()
    assert parse_json(raw) == {"a\ufffd": ["x\ufffdy", "nul", "😀"]}
    with pytest.raises(BadBody):
        parse_json(b"[" * 30 + b"]" * 30)  # deeper than any platform body
    with pytest.raises(BadBody):
        parse_json(b"[" * 50_000 + b"]" * 50_000)  # would be a RecursionError


def test_scrub_masks_personal_data_and_keeps_the_rest() -> None:
    assert scrub("電話 0912-345-678 或 02 2720 8889") == "電話 ＊ 或 ＊"
    assert scrub("寄 test.user+pb@example.com.tw 或看 https://x.org/a?b=1 謝謝") \
        == "寄 ＊ 或看 ＊ 謝謝"
    assert scrub("2024年 預算 500,000 元 12 號") == "2024年 預算 500,000 元 12 號"
    assert scrub("字" * 500) == "字" * 200


def test_has_contact_is_true_exactly_where_scrub_masks() -> None:
    for text in ("電話 0912-345-678", "寄 a@example.com", "看 https://x.org", "02 2720 8889"):
        assert has_contact(text), text
    for text in ("2024年 預算 500,000 元 12 號", "住民大會在哪", "", "i-Voting"):
        assert not has_contact(text), text


def test_scrub_looks_at_a_bounded_window_of_any_message(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    seen: list[int] = []
    real = text_module._PII

    class Spy:
        def sub(self, repl: Any, value: str) -> str:
            seen.append(len(value))
            return real.sub(repl, value)

    monkeypatch.setattr(text_module, "_PII", Spy())
    scrub("1-" * 450_000)
    assert seen and max(seen) <= 400


def test_the_masking_pattern_is_linear_on_hostile_text() -> None:
    # Inputs that made the old pattern backtrack quadratically (a 900 KB message took over
    # ten minutes). In a child process with a generous guard, so a regression fails the test
    # instead of hanging the suite; this is not a speed measurement.
    code = ("from bot.common.text import _PII\n"
            "for s in ('a' * 300_000, '1-' * 150_000 + 'x', '1 ' * 150_000 + 'x',"
            " 'a.' * 150_000):\n"
            "    _PII.sub('*', s)\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
