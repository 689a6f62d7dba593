"""Builders for LINE webhook bodies and Telegram updates, and the LINE signature."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import time
import uuid
from typing import Any

DESTINATION = "U" + "0123456789abcdef" * 2
_ids = itertools.count(1)


def line_signature(body: bytes, secret: str) -> str:
    """X-Line-Signature: base64 of HMAC-SHA256 over the raw body."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _line_event(kind: str, user_id: str, *, event_id: str | None, source: str,
                group_id: str | None, redelivery: bool) -> dict[str, Any]:
    src: dict[str, Any] = {"type": source, "userId": user_id}
    if source == "group":
        src["groupId"] = group_id or "C" + "0" * 32
    return {"type": kind, "mode": "active", "timestamp": int(time.time() * 1000),
            "source": src, "webhookEventId": event_id or f"01TEST{next(_ids):020d}",
            "deliveryContext": {"isRedelivery": redelivery}}


def line_text_event(user_id: str, text: str, *, event_id: str | None = None,
                    reply_token: str | None = None, source: str = "user",
                    group_id: str | None = None, redelivery: bool = False,
                    mention_self: bool = False) -> dict[str, Any]:
    """A text message event (optionally in a group, optionally mentioning the bot)."""
    event = _line_event("message", user_id, event_id=event_id, source=source,
                        group_id=group_id, redelivery=redelivery)
    event["replyToken"] = reply_token or uuid.uuid4().hex
    message: dict[str, Any] = {"id": str(next(_ids)), "type": "text", "text": text,
                               "quoteToken": "q"}
    if mention_self:
        name = text.split()[0] if text.startswith("@") else "@bot"
        message["mention"] = {"mentionees": [{"index": 0, "length": len(name), "type": "user",
                                              "userId": DESTINATION, "isSelf": True}]}
    event["message"] = message
    return event


def line_postback_event(user_id: str, data: str, **kw: Any) -> dict[str, Any]:
    """A button press."""
    event = _line_event("postback", user_id, event_id=kw.get("event_id"),
                        source=kw.get("source", "user"), group_id=kw.get("group_id"),
                        redelivery=False)
    event["replyToken"] = uuid.uuid4().hex
    event["postback"] = {"data": data}
    return event


def line_follow_event(user_id: str) -> dict[str, Any]:
    """The user added the bot as a friend."""
    event = _line_event("follow", user_id, event_id=None, source="user", group_id=None,
                        redelivery=False)
    event["replyToken"] = uuid.uuid4().hex
    event["follow"] = {"isUnblocked": False}
    return event


def line_unfollow_event(user_id: str) -> dict[str, Any]:
    """The user blocked the bot."""
    return _line_event("unfollow", user_id, event_id=None, source="user", group_id=None,
                       redelivery=False)


def line_body(events: list[dict[str, Any]], destination: str = DESTINATION) -> dict[str, Any]:
    """A webhook body."""
    return {"destination": destination, "events": events}


def _tg_user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "測試", "language_code": "zh-hant"}


def telegram_message_update(update_id: int, chat_id: int, user_id: int, text: str,
                            chat_type: str = "private") -> dict[str, Any]:
    """An update carrying a text message."""
    chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
    if chat_type != "private":
        chat["title"] = "區公所群組"
    message: dict[str, Any] = {"message_id": update_id, "date": int(time.time()),
                               "chat": chat, "from": _tg_user(user_id), "text": text}
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0,
                                "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": message}


def telegram_callback_update(update_id: int, chat_id: int, user_id: int, data: str,
                             message_id: int = 1) -> dict[str, Any]:
    """An update carrying a button press on one of the bot's messages."""
    message = {"message_id": message_id, "date": int(time.time()),
               "chat": {"id": chat_id, "type": "private"}, "text": "…",
               "from": {"id": 999000, "is_bot": True, "first_name": "小幫手"}}
    return {"update_id": update_id, "callback_query": {
        "id": str(update_id * 7), "from": _tg_user(user_id), "chat_instance": "ci",
        "message": message, "data": data}}
