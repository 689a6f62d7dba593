"""The fakes and validators accept what the real SDKs send and reject what the specs forbid."""

from __future__ import annotations

import json

import aiohttp
import pytest
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    PostbackAction,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    TextMessage,
)
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from tests.fakes.line_api import FakeLineApi
from tests.fakes.specs import SPECS, validate_line_webhook, validate_telegram_call
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.webhooks import line_body, line_postback_event, line_text_event

USER = "U" + "2" * 32


def _quick(n: int, data: str = "x") -> QuickReply:
    return QuickReply(items=[QuickReplyItem(action=PostbackAction(label=f"l{i}", data=data))
                             for i in range(n)])


async def test_line_sdk_requests_validate_and_bad_ones_are_rejected() -> None:
    async with FakeLineApi() as fake:
        client = AsyncApiClient(Configuration(access_token="t", host=fake.base_url))
        api = AsyncMessagingApi(client)
        try:
            await api.reply_message(ReplyMessageRequest(
                reply_token="tok", messages=[TextMessage(text="好", quick_reply=_quick(3))]))
            assert fake.errors == [] and len(fake.requests) == 1
            item = {"type": "action", "action": {"type": "postback", "label": "l", "data": "x"}}
            long_data = {"type": "action",
                         "action": {"type": "postback", "label": "l", "data": "d" * 301}}
            bad_messages = [{"type": "text", "text": "字" * 5001},
                            {"type": "text", "text": "x", "quickReply": {"items": [item] * 14}},
                            {"type": "text", "text": "x", "quickReply": {"items": [long_data]}},
                            {"type": "nosuch"}]
            async with aiohttp.ClientSession() as http:
                for message in bad_messages:  # raw: the SDK itself refuses some of these
                    resp = await http.post(f"{fake.base_url}/v2/bot/message/push",
                                           json={"to": USER, "messages": [message]},
                                           headers={"Authorization": "Bearer t"})
                    assert resp.status == 400
            assert len(fake.errors) >= 4 and len(fake.requests) == 1
            ok = PushMessageRequest(to=USER, messages=[TextMessage(text="hi")])
            key = "123e4567-e89b-12d3-a456-426614174000"
            await api.push_message(ok, x_line_retry_key=key)
            with pytest.raises(ApiException) as again:
                await api.push_message(ok, x_line_retry_key=key)
            assert again.value.status == 409
        finally:
            await client.close()


async def test_telegram_bot_calls_validate_and_bad_ones_are_rejected() -> None:
    async with FakeTelegramApi() as fake:
        bot = Bot("1:T", base_url=fake.base_url + "/bot")
        await bot.initialize()
        try:
            keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="ok")]])
            await bot.send_message(1, "你好", reply_markup=keyboard)
            assert fake.errors == []
            long = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="x" * 65)]])
            with pytest.raises(BadRequest):
                await bot.send_message(1, "hi", reply_markup=long)
        finally:
            await bot.shutdown()
    assert validate_telegram_call("sendMessage", {"chat_id": 1, "text": "x", "nope": 1})
    assert validate_telegram_call("sendMessage", {"text": "x"})  # chat_id missing
    assert validate_telegram_call("noSuchMethod", {})


def test_webhook_samples_and_builders_match_webhook_spec() -> None:
    samples = sorted((SPECS / "line-webhook-samples").glob("derived-*.json"))
    assert samples
    for path in samples:
        assert validate_line_webhook(json.loads(path.read_text())) == [], path.name
    built = line_body([line_text_event(USER, "hi"), line_postback_event(USER, "a|b|c")])
    assert validate_line_webhook(built) == []
    assert validate_line_webhook({**built, "destination": "U123"})  # the SDK's own samples fail
