"""LINE: signed webhook bodies posted to the real app; its LINE client talks to a fake LINE."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest

from bot.adapters.line import render
from bot.core.types import Choice, Text
from bot.runtime.services import SERVICES
from bot.storage import inbox
from bot.storage.db import close_db, open_db
from bot.storage.models import InboundEvent, Member
from tests.bot_harness import running_bot
from tests.fakes.line_api import message_text
from tests.fakes.specs import SPECS, validate_line_request
from tests.fakes.webhooks import (
    line_body,
    line_follow_event,
    line_postback_event,
    line_text_event,
    line_unfollow_event,
)

SAMPLES = SPECS / "line-webhook-samples"
USER = "U" + "1" * 32


def _sample(name: str) -> tuple[bytes, str]:
    signatures = json.loads((SAMPLES / "signatures.json").read_text())
    return (SAMPLES / name).read_bytes(), signatures["files"][name]


async def test_sample_text_message_is_answered(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        body, signature = _sample("derived-text-from-user.json")
        resp = await bot.post_line(body, signature)
        assert resp.status == 200
        await bot.line.wait_for(1)
        await bot.settle()
        # The sample is from 2016: its reply token is long expired, so the bot pushes.
        req = bot.line.requests[-1]
        assert req.path == "/v2/bot/message/push"
        assert req.json["to"] == "U206d25c2ea6bd87c17655609a1c37cb8"
        assert bot.line.errors == []


async def test_fresh_event_is_answered_with_the_reply_token(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        event = line_text_event(USER, "什麼是參與式預算", reply_token="fresh-token-1")
        await bot.post_line(line_body([event]))
        await bot.line.wait_for(1)
        req = bot.line.requests[-1]
        assert req.path == "/v2/bot/message/reply" and req.json["replyToken"] == "fresh-token-1"
        assert "預算" in message_text(req.json["messages"][0])  # an answer card (Flex)
        assert bot.line.errors == []


async def test_bad_or_missing_signature_is_refused_and_nothing_written(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        body, signature = _sample("derived-text-from-user.json")
        assert (await bot.post_line(body, "AAAA" + signature[4:])).status == 401
        assert (await bot.post_line(body, None)).status == 400
        assert (await bot.post_line(body + b" ", signature)).status == 401  # body changed
        assert await InboundEvent.all().count() == 0
        assert bot.line.requests == []


async def test_redelivered_event_is_handled_once(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        event = line_text_event(USER, "住民大會是什麼", event_id="01REDELIVER0000000000000001")
        again = {**event, "deliveryContext": {"isRedelivery": True}}
        assert (await bot.post_line(line_body([event]))).status == 200
        await bot.settle()
        assert (await bot.post_line(line_body([again]))).status == 200
        await bot.settle()
        assert len(bot.line.requests) == 1


async def test_concurrent_posts_are_all_recorded_and_shared_transactions(tmp_path: Path
                                                                         ) -> None:
    async with running_bot(tmp_path) as bot:
        bot.line.expire_all_reply_tokens = True
        events = [line_text_event(USER, "你好", event_id=f"01CONCURRENT{i:015d}")
                  for i in range(30)]
        bodies = [line_body([e]) for e in events] + [line_body(events[:3])]  # 3 redelivered
        answers = await asyncio.gather(*(bot.post_line(b) for b in bodies))
        assert [a.status for a in answers] == [200] * 31
        assert await InboundEvent.all().count() == 30
        recorder = bot.client.app[SERVICES].recorder  # type: ignore[index]
        assert recorder.flushes < 31
        await bot.settle()
        assert len(bot.line.requests) == 30


async def test_every_sdk_event_type_and_unknown_ones_get_200(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        body, signature = _sample("sdk-v3-webhook-all-events.json")
        assert (await bot.post_line(body, signature)).status == 200
        unknown = {"type": "somethingNew", "mode": "active", "timestamp": 1,
                   "webhookEventId": "01UNKNOWN", "deliveryContext": {"isRedelivery": False}}
        assert (await bot.post_line(line_body([unknown]))).status == 200
        counts = await bot.settle()
        assert counts["dead"] == 0
        assert bot.line.errors == []


async def test_empty_non_json_and_huge_bodies(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        body, signature = _sample("derived-empty-verification.json")
        assert (await bot.post_line(body, signature)).status == 200
        assert (await bot.post_line(b"not json")).status == 400
        assert (await bot.post_line(b"[1, 2]")).status == 400
        huge = b'{"events": [], "pad": "' + b"x" * (1024 * 1024) + b'"}'
        assert (await bot.post_line(huge)).status == 413
        assert await InboundEvent.all().count() == 0


async def test_follow_welcomes_and_unfollow_is_remembered(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await bot.post_line(line_body([line_follow_event(USER)]))
        await bot.line.wait_for(1)
        message = bot.line.requests[-1].json["messages"][0]
        assert "您好" in message["text"] and message["quickReply"]["items"]
        await bot.post_line(line_body([line_unfollow_event(USER)]))
        await bot.settle()
        member = await Member.get(platform="line", user_id=USER)
        assert member.followed is False
        assert len(bot.line.requests) == 1  # nothing sent to someone who left


async def test_quick_reply_button_round_trip(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await bot.post_line(line_body([line_text_event(USER, "選單")]))
        await bot.line.wait_for(1)
        items = bot.line.requests[-1].json["messages"][-1]["quickReply"]["items"]
        data = next(i["action"]["data"] for i in items if "常見問題" in i["action"]["label"])
        await bot.post_line(line_body([line_postback_event(USER, data)]))
        await bot.line.wait_for(2)
        assert "主題" in bot.line.requests[-1].json["messages"][0]["text"]
        assert bot.line.errors == []


async def test_group_messages_only_when_addressed(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        group = "C" + "a" * 32
        quiet = line_text_event(USER, "大家好", source="group", group_id=group)
        called = line_text_event(USER, "@小幫手 住民大會", source="group", group_id=group,
                                 mention_self=True)
        await bot.post_line(line_body([quiet]))
        await bot.settle()
        assert bot.line.requests == []
        await bot.post_line(line_body([called]))
        await bot.line.wait_for(1)
        assert "住民大會" in message_text(bot.line.requests[-1].json["messages"][0])


async def test_used_reply_token_falls_back_to_push_with_retry_key(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        bot.line.expire_all_reply_tokens = True
        await bot.post_line(line_body([line_text_event(USER, "什麼是i-Voting")]))
        await bot.settle()
        push = [r for r in bot.line.requests if r.path == "/v2/bot/message/push"]
        assert push and push[0].json["to"] == USER
        assert push[0].headers.get("X-Line-Retry-Key")
        assert bot.line.errors == []


async def test_platform_failure_is_retried_not_lost(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        bot.line.fail_next = [500]
        await bot.post_line(line_body([line_text_event(USER, "住民大會")]))
        await bot.line.wait_for(1, timeout=15)
        counts = await bot.settle(timeout=15)
        assert counts["done"] == 1


async def test_event_recorded_before_a_crash_is_processed_at_start(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'bot.sqlite3'}"
    await open_db(url, migrate_first=True)
    event = line_text_event(USER, "住民大會", event_id="01CRASHED00000000000000001")
    event["timestamp"] = int(time.time() * 1000) - 120_000  # its reply token has expired
    await inbox.record("line", [inbox.NewEvent(event["webhookEventId"],
                                               f"line:{USER}:{USER}", event)])
    await close_db()
    async with running_bot(tmp_path) as bot:
        await bot.line.wait_for(1)
        assert bot.line.requests[-1].path == "/v2/bot/message/push"
        assert (await bot.settle())["done"] == 1


def test_long_text_is_split_within_line_limits() -> None:
    reply = Text("段落\n" * 3000 + "字" * 7000, tuple(Choice(f"選項{i}", f"n|faq|{i}")
                                                    for i in range(20)))
    messages = render([reply])
    assert len(messages) > 1
    body = {"replyToken": "t", "messages": messages[:5]}
    assert validate_line_request("POST", "/v2/bot/message/reply", body) == []
    assert len(messages[-1]["quickReply"]["items"]) == 13


def test_proxy_comes_from_the_environment_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.adapters.line_send import env_proxy

    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    assert env_proxy("https://api.line.me") == "http://proxy.internal:3128"
    assert env_proxy("http://127.0.0.1:9999") is None
