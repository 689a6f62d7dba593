"""LINE adapter: verify and record webhook events; turn events into Incoming; deliver replies.

Delivery uses the reply token while it is fresh, then push with an X-Line-Retry-Key derived
from the event key, so a retried push after a crash is refused by LINE (409), not sent twice.
A reply attempt is recorded before it leaves (Progress), so a retry knows it may have arrived,
and asks LINE again with the same token (a used one is refused with 400) while it is young.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import time
import uuid
from dataclasses import replace
from typing import Any

from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    MulticastRequest,
    ShowLoadingAnimationRequest,
)
from linebot.v3.webhooks import PostbackEvent

from bot.adapters import line_send
from bot.adapters.body import is_id, need, optional
from bot.adapters.common import waiting_seconds
from bot.adapters.errors import line_errors
from bot.adapters.line_render import Message, batches, render
from bot.common import metrics
from bot.core.errors import DeliveryError
from bot.core.progress import Progress
from bot.core.types import Incoming, Reply
from bot.delivery.ports import Quota, Throttle, no_throttle
from bot.storage.inbox import NewEvent

HANDLED_TYPES = frozenset({"message", "postback", "follow", "unfollow"})
RETRY_NAMESPACE = uuid.UUID("6f1c1a8e-5d0b-4a7e-9a43-2f6f0b9e1c11")
REPLY_TOKEN_TTL_MS = 50_000  # tokens last about a minute; leave a margin
REQUEST_TIMEOUT = 10  # seconds; an outage must not hold a delivery slot for the SDK's 5 min
# A reply whose answer never came back is asked about again with the same token: LINE's 400
# "Invalid reply token" then means it was used, as long as the token was still valid when
# the question reached LINE (tokens last about a minute; 5 s margin for clocks and transit).
ASK_UNTIL = 55.0  # token age (s) until which a question may be sent
UNKNOWN_RETRY = 2.0  # seconds before asking
ASK_TIMEOUT = 30  # a question waits longer for its answer: the answer is what decides
# A first reply only while, should its answer not come back, there is time left to ask.
FIRST_REPLY_UNTIL = ASK_UNTIL - REQUEST_TIMEOUT - UNKNOWN_RETRY - 1
MAX_TEXT = 5000  # LINE's own limit for a text message; anything longer is cut, not refused
MAX_POSTBACK = 300
LOADING_MIN, LOADING_MAX = 5, 60  # the loading animation: 5-60 s in steps of 5
log = logging.getLogger("bot.line")


class LineAdapter:
    """Translate LINE webhooks to Incoming and replies to LINE messages."""

    platform = "line"

    def __init__(self, channel_secret: str, access_token: str, api_base: str) -> None:
        self._secret = channel_secret.encode()
        self._config = Configuration(access_token=access_token, host=api_base)
        self._client: AsyncApiClient | None = None
        self.api: AsyncMessagingApi | None = None
        self.throttle: Throttle = no_throttle  # the delivery engine's shared rate limits

    async def start(self) -> None:
        """Create the SDK client inside the running loop."""
        self._config.proxy = line_send.env_proxy(self._config.host)
        self._client = AsyncApiClient(self._config)
        await line_send.without_env_lookups(self._client)
        self.api = AsyncMessagingApi(self._client)

    async def close(self) -> None:
        """Close the SDK client's session."""
        if self._client is not None:
            await self._client.close()

    def verify(self, body: bytes, signature: str) -> bool:
        """True when X-Line-Signature matches HMAC-SHA256 of the raw body."""
        digest = hmac.new(self._secret, body, hashlib.sha256).digest()
        # Bytes, not str: compare_digest refuses non-ASCII str (a forged header is no 500).
        given = (signature or "").encode("utf-8", "replace")
        return hmac.compare_digest(base64.b64encode(digest), given)

    def events(self, body: dict[str, Any]) -> list[NewEvent]:
        """The events worth recording (other event types are ignored); BadBody when the
        body breaks the shapes webhook.yml allows for what the bot reads."""
        events = body.get("events")
        need(isinstance(events, list), "events is not a list")
        assert isinstance(events, list)
        found = []
        for event in events:
            _check_event(event)
            if event["type"] in HANDLED_TYPES:
                found.append(NewEvent(event["webhookEventId"], _conv_key(event), event))
        return found

    def to_incoming(self, event: dict[str, Any], event_key: str) -> Incoming | None:
        """The Incoming for an event, or None when the bot should stay quiet."""
        source = event.get("source") or {}
        user_id = source.get("userId") or ""
        chat_id = source.get("groupId") or source.get("roomId") or user_id
        group = source.get("type") in ("group", "room")
        base = Incoming(platform="line", chat_id=chat_id, user_id=user_id, is_group=group,
                        event_key=event_key, **_reply_handle(event))
        kind = event.get("type")
        if kind == "follow" or kind == "unfollow":
            return replace(base, kind=kind)
        if kind == "postback":
            data = str(PostbackEvent.from_dict(event).postback.data)
            return replace(base, kind="postback", payload=data[:MAX_POSTBACK])
        return _message_incoming(event, base)

    async def deliver(self, event: dict[str, Any], replies: list[Reply], event_key: str,
                      progress: Progress) -> None:
        """Send an event's answer: the reply token while it is fresh, push (with a retry key,
        so a repeat is refused by LINE, not shown twice) for the rest or when it is stale.
        A Waiting reply shows the loading animation (1:1 chats only, as the spec allows).
        Raises DeliveryError; messages confirmed by an earlier attempt are skipped."""
        assert self.api is not None, "start() first"
        source = event.get("source") or {}
        wait = waiting_seconds(replies)
        if wait and not progress.sent and source.get("type") == "user" and source.get("userId"):
            await self.show_loading(str(source["userId"]), wait)
        token = event.get("replyToken")
        age = time.time() - float(event.get("timestamp", 0)) / 1000
        to = str(source.get("groupId") or source.get("roomId") or source.get("userId"))
        groups = batches(render(replies))
        how = "push"
        for i, batch in enumerate(groups):
            if i < progress.sent:
                continue
            if i == 0 and token and await self._by_reply(str(token), age, batch, progress):
                how = "reply"
            else:
                await self.push(to, batch, f"{event_key}:{i}")
            await progress.confirmed(i + 1, len(groups))
        metrics.answered("line", how)

    async def _by_reply(self, token: str, age: float, batch: list[Message],
                        progress: Progress) -> bool:
        """True when the first batch went out with the reply token, now or by an earlier
        attempt whose outcome was unknown; False: push it. The rule is in the README
        (reliability): a reply counts as sent only when LINE said so (2xx now, or 400
        "Invalid reply token" to a token still young whose earlier use was unknown)."""
        earlier = progress.reply_unknown
        if progress.reply_given_up:
            return False
        if age >= (ASK_UNTIL if earlier else FIRST_REPLY_UNTIL):
            if earlier:  # too late to ask LINE: err towards a second copy, never none
                await progress.reply_unknowable()
            return False
        await progress.replying()
        try:
            await self._reply(token, batch, ASK_TIMEOUT if earlier else REQUEST_TIMEOUT)
        except DeliveryError as exc:
            if exc.status == 400 and "reply token" in exc.reason.lower():
                if earlier:  # a young token refused as used: that earlier attempt arrived
                    return True
                await progress.reply_refused()
                return False
            if not (earlier or exc.unknown):  # LINE answered (5xx): this one did not go out
                await progress.reply_refused()
                raise
            if exc.permanent:
                raise
            # Unknown: ask LINE again soon, while the token can still tell.
            raise DeliveryError(exc.reason, permanent=False, status=exc.status,
                                retry_after=UNKNOWN_RETRY, unknown=True) from exc
        return True

    async def push_replies(self, to: str, replies: list[Reply], seed: str, /, *,
                           thread_id: str = "", reply_to: str = "") -> list[str]:
        """Push replies to a user or group (not in answer to an event); LINE has no threads."""
        ids: list[str] = []
        for i, batch in enumerate(batches(render(replies))):
            ids += await self.push(to, batch, f"{seed}:{i}")
        return ids

    async def reply_with_token(self, token: str, replies: list[Reply], /) -> bool:
        """Answer with a kept reply token (free); False when LINE no longer takes it. Only
        the first five messages fit one reply: the caller pushes longer answers."""
        groups = batches(render(replies))
        if len(groups) != 1:  # more than one request's worth: leave it all to push
            return False
        try:
            await self._reply(token, groups[0])
        except DeliveryError as exc:
            if exc.status == 400:  # token used or expired
                return False
            raise
        return True

    async def show_loading(self, user_id: str, seconds: int) -> None:
        """LINE's loading animation in a 1:1 chat; a failure only loses the animation."""
        assert self.api is not None
        rounded = max(LOADING_MIN, min(LOADING_MAX, -(-seconds // 5) * 5))
        request = ShowLoadingAnimationRequest(chat_id=user_id, loading_seconds=rounded)
        try:
            async with line_errors():
                await self.api.show_loading_animation(request, _request_timeout=REQUEST_TIMEOUT)
        except (DeliveryError, ApiException) as exc:
            log.info("loading animation not shown: %s", getattr(exc, "reason", exc.status))

    async def _reply(self, token: str, batch: list[Message],
                     timeout: float = REQUEST_TIMEOUT) -> None:
        assert self._client is not None, "start() first"
        await line_send.reply(self._client, token, batch, timeout)

    async def push(self, to: str, batch: list[Message], retry_seed: str) -> list[str]:
        """Push messages; the retry key makes a repeated push harmless (409 = already sent,
        and then no ids are known)."""
        assert self._client is not None, "start() first"
        key = str(uuid.uuid5(RETRY_NAMESPACE, retry_seed))
        await self.throttle("line_push", to)
        try:
            return await line_send.push(self._client, to, batch, key, REQUEST_TIMEOUT)
        except ApiException as exc:  # only 409 gets here: this retry key was accepted before
            assert exc.status == 409
            return []

    def requests_for(self, replies: list[Reply]) -> int:
        """How many requests (each up to 5 messages) the replies take; LINE counts one
        message per recipient per request against the monthly quota."""
        return len(batches(render(replies)))

    async def multicast(self, user_ids: list[str], replies: list[Reply], retry_key: str) -> None:
        """Send replies to up to 500 users; retry_key (a UUID kept with the batch) makes a
        repeat after a crash harmless (409: already accepted)."""
        assert self.api is not None, "start() first"
        for i, batch in enumerate(batches(render(replies))):
            key = retry_key if i == 0 else str(uuid.uuid5(uuid.UUID(retry_key), str(i)))
            request = MulticastRequest.from_dict({"to": user_ids, "messages": batch})
            await self.throttle("line_multicast", "")
            try:
                async with line_errors():
                    await self.api.multicast(request, x_line_retry_key=key,
                                             _request_timeout=REQUEST_TIMEOUT)
            except ApiException as exc:  # only 409 gets here: sent before a crash
                assert exc.status == 409

    async def quota(self) -> Quota:
        """This month's message quota and how much of it is used."""
        assert self.api is not None, "start() first"
        async with line_errors():
            limit = await self.api.get_message_quota(_request_timeout=REQUEST_TIMEOUT)
            used = await self.api.get_message_quota_consumption(
                _request_timeout=REQUEST_TIMEOUT)
        value = limit.value if limit.type == "limited" else None
        return Quota(None if value is None else int(value), int(used.total_usage or 0))


def _conv_key(event: dict[str, Any]) -> str:
    source = event.get("source") or {}
    chat = source.get("groupId") or source.get("roomId") or source.get("userId") or "-"
    return f"line:{chat}:{source.get('userId') or '-'}"


def _reply_handle(event: dict[str, Any]) -> dict[str, Any]:
    """The event's reply token and until when it may be used (1:1 chats)."""
    token = event.get("replyToken")
    if not isinstance(token, str) or (event.get("source") or {}).get("type") != "user":
        return {}
    sent = float(event.get("timestamp", 0)) / 1000
    return {"reply_token": token, "reply_until": sent + REPLY_TOKEN_TTL_MS / 1000}


def _message_incoming(event: dict[str, Any], base: Incoming) -> Incoming | None:
    message = event.get("message") or {}
    if message.get("type") != "text":
        # A sticker or photo: in a 1:1 chat say we read text only; in a group stay quiet.
        return None if base.is_group else replace(base, attachment=str(message.get("type")))
    # Read from the JSON, not through the SDK's pydantic models (~0.2 ms an event); what
    # they would refuse and the bot relies on is refused here too (the event goes dead).
    text, message_id = message.get("text"), message.get("id")
    if not isinstance(text, str) or not isinstance(message_id, str):
        raise ValueError("a text message without text or id")
    mentionees = _mentionees(message)
    if base.is_group and not any(m.get("isSelf") is True for m in mentionees):
        return None  # in groups the bot speaks only when addressed
    return replace(base, text=_strip_mentions(text, mentionees)[:MAX_TEXT],
                   message_id=message_id)


def _mentionees(message: dict[str, Any]) -> list[dict[str, Any]]:
    mention = message.get("mention")
    if mention is None:
        return []
    items = mention.get("mentionees") if isinstance(mention, dict) else None
    if not isinstance(items, list) or not all(
            isinstance(m, dict) and isinstance(m.get("index"), int)
            and isinstance(m.get("length"), int) for m in items):
        raise ValueError("a mention without index and length")
    return items


def _strip_mentions(text: str, mentionees: list[dict[str, Any]]) -> str:
    spans = sorted(((int(m["index"]), int(m["length"])) for m in mentionees), reverse=True)
    for index, length in spans:  # LINE indexes in UTF-16 units; CJK BMP text matches str
        text = text[:index] + text[index + length:]
    return text.strip()


def _check_event(event: Any) -> None:
    """BadBody unless event has the shape the bot relies on (ids short enough to store)."""
    need(isinstance(event, dict), "an event is not an object")
    need(isinstance(event.get("type"), str), "an event has no type")
    need(is_id(event.get("webhookEventId")), "an event has no usable webhookEventId")
    need(optional(event, "timestamp", int), "timestamp is not an integer")
    need(optional(event, "replyToken", str), "replyToken is not a string")
    source = event.get("source")
    if source is not None:
        need(isinstance(source, dict), "source is not an object")
        for name in ("userId", "groupId", "roomId"):
            need(source.get(name) is None or is_id(source[name]), f"source.{name} is not an id")
    for name in ("message", "postback"):
        part = event.get(name)
        need(part is None or isinstance(part, dict), f"{name} is not an object")
    need(optional(event.get("message") or {}, "text", str), "message.text is not a string")
    need(optional(event.get("postback") or {}, "data", str), "postback.data is not a string")
