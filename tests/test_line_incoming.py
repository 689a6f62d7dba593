"""LINE events read into Incoming straight from the JSON (no SDK models on the hot path)."""

from __future__ import annotations

import pytest

from bot.adapters.line import LineAdapter
from tests.fakes.webhooks import line_text_event

USER, GROUP = "U" + "1" * 32, "C" + "2" * 32
ADAPTER = LineAdapter("secret", "token", "http://127.0.0.1:9")


def test_a_one_to_one_text_keeps_text_id_and_reply_token() -> None:
    event = line_text_event(USER, "  住民大會  ", reply_token="tok")
    msg = ADAPTER.to_incoming(event, "k")
    assert msg is not None
    assert (msg.text, msg.message_id, msg.reply_token, msg.user_id, msg.is_group) == (
        "住民大會", event["message"]["id"], "tok", USER, False)


def test_in_a_group_only_a_mention_of_the_bot_is_answered_without_the_mention() -> None:
    quiet = line_text_event(USER, "大家好", source="group", group_id=GROUP)
    assert ADAPTER.to_incoming(quiet, "k1") is None
    other = line_text_event(USER, "@someone 你好", source="group", group_id=GROUP,
                            mention_self=True)
    other["message"]["mention"]["mentionees"][0]["isSelf"] = False
    assert ADAPTER.to_incoming(other, "k2") is None
    addressed = line_text_event(USER, "@市府小幫手 住民大會", source="group", group_id=GROUP,
                                mention_self=True)
    msg = ADAPTER.to_incoming(addressed, "k3")
    assert msg is not None and msg.text == "住民大會" and msg.chat_id == GROUP


@pytest.mark.parametrize("broken", [
    {"mention": {"mentionees": [{"index": "0", "length": 3}]}},
    {"mention": {"mentionees": "all"}},
    {"text": None},
    {"id": 12},
])
def test_an_unreadable_text_message_raises(broken: dict[str, object]) -> None:
    event = line_text_event(USER, "@bot hi", mention_self=True)
    event["message"].update(broken)
    with pytest.raises(ValueError):
        ADAPTER.to_incoming(event, "k")
