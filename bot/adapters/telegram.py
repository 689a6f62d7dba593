"""Telegram adapter: check the secret header, record updates, translate, deliver.

python-telegram-bot supplies the types and the Bot client; conversation state is ours
(not ConversationHandler), so LINE and Telegram share one store and one dispatcher.
"""

from __future__ import annotations

import contextlib
import hmac
from typing import Any

from telegram import Bot as TgBot
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction
from telegram.error import BadRequest, NetworkError

from bot.adapters.body import is_int, need, optional
from bot.adapters.common import (
    flat_choices,
    messages_only,
    reply_text,
    split_text,
    waiting_seconds,
)
from bot.adapters.errors import telegram_errors
from bot.common import metrics
from bot.core.errors import DeliveryError
from bot.core.progress import Progress
from bot.core.types import Choice, Incoming, Reply
from bot.delivery.ports import Throttle, no_throttle
from bot.storage.inbox import NewEvent

MAX_TEXT = 4096
MAX_TOPIC_NAME = 128
ALLOWED_UPDATES = ["message", "callback_query"]
ATTACHMENTS = ("photo", "sticker", "animation", "video", "video_note", "voice", "audio",
               "document", "location", "venue", "contact", "poll", "dice")


class TelegramAdapter:
    """Translate Telegram updates to Incoming and replies to sendMessage calls."""

    platform = "telegram"

    def __init__(self, token: str, secret: str, api_root: str, webhook_url: str = "") -> None:
        self._secret = secret
        self._webhook_url = webhook_url
        self.bot = TgBot(token, base_url=f"{api_root}/bot")
        self.throttle: Throttle = no_throttle  # the delivery engine's shared rate limits

    async def start(self, commands: list[tuple[str, str]] | None = None) -> None:
        """getMe, then register commands and (when configured) the webhook."""
        await self.bot.initialize()
        if commands:
            await self.bot.set_my_commands([BotCommand(c, d) for c, d in commands])
        if self._webhook_url:
            await self.bot.set_webhook(self._webhook_url, secret_token=self._secret,
                                       allowed_updates=ALLOWED_UPDATES)

    async def close(self) -> None:
        """Close the Bot's HTTP client."""
        await self.bot.shutdown()

    def verify(self, header: str | None) -> bool:
        """True when X-Telegram-Bot-Api-Secret-Token matches our secret."""
        given = (header or "").encode("utf-8", "replace")  # a forged header is no 500
        return hmac.compare_digest(given, self._secret.encode())

    def events(self, body: dict[str, Any]) -> list[NewEvent]:
        """The update as an event to record (one update per webhook call; kinds the bot
        does not read are not recorded); BadBody when its shape is not the Bot API's."""
        update_id: Any = body.get("update_id")
        need(is_int(update_id) and update_id >= 0, "update_id is not an integer")
        message: Any = body.get("message")
        query: Any = body.get("callback_query")
        if message is not None:
            _check_message(message)
        if query is not None:
            _check_query(query)
        if message is None and query is None:
            return []
        where = message or query.get("message") or {}
        chat = where.get("chat", {}).get("id", "-")
        sender = (message or query).get("from") or {}
        return [NewEvent(str(update_id), f"telegram:{chat}:{sender.get('id', '-')}", body)]

    def to_incoming(self, body: dict[str, Any], event_key: str) -> Incoming | None:
        """The Incoming for an update, or None when the bot should stay quiet."""
        update = Update.de_json(body, self.bot)
        if update.callback_query is not None:
            query = update.callback_query
            chat = query.message.chat if query.message else None
            chat_id = str(chat.id if chat else query.from_user.id)
            return Incoming(platform="telegram", chat_id=chat_id,
                            user_id=str(query.from_user.id), kind="postback",
                            payload=query.data or "",
                            is_group=bool(chat and chat.type != "private"), event_key=event_key)
        if update.message is None or update.message.from_user is None:
            return None
        return self._message_incoming(update.message, event_key)

    def _message_incoming(self, message: Message, event_key: str) -> Incoming | None:
        group = message.chat.type != "private"
        # A forged update may be longer than 4,096 characters: cut, never refuse.
        text = (message.text or message.caption or "")[:MAX_TEXT]
        addressed = not group or self._addressed(message)
        if not addressed and not message.is_topic_message:
            return None
        text = text.replace(f"@{self.bot.username}", "").strip() if self.bot.username else text
        assert message.from_user is not None
        message_id, thread_id, reply_to = _ids(message)
        return Incoming(platform="telegram", chat_id=str(message.chat.id),
                        user_id=str(message.from_user.id), kind="text", text=text,
                        is_group=group, event_key=event_key, message_id=message_id,
                        thread_id=thread_id, reply_to=reply_to,
                        addressed=addressed, name=message.from_user.full_name,
                        attachment=_attachment(message))

    def _addressed(self, message: Message) -> bool:
        """In a group: a command, a mention or a reply to the bot. Other messages in forum
        topics pass too, marked not addressed (the bot sees them as a group admin; the router
        only relays those in a volunteers' ticket topic and ignores the rest)."""
        text = message.text or ""
        reply_to = _ids(message)[2]
        replied = message.reply_to_message
        # In a topic the bot created, every message "replies" to the topic's first message:
        # only an explicit reply to one of the bot's messages addresses it.
        to_bot = bool(reply_to and replied and replied.from_user
                      and replied.from_user.id == self.bot.id)
        named = bool(self.bot.username) and f"@{self.bot.username}" in text
        return text.startswith("/") or named or to_bot

    async def deliver(self, body: dict[str, Any], replies: list[Reply], event_key: str,
                      progress: Progress) -> None:
        """Answer a callback query, then send each reply (split within 4,096 characters),
        skipping replies confirmed by an earlier attempt. Raises DeliveryError."""
        query = body.get("callback_query")
        if query and progress.sent == 0:
            # A query over 15 minutes old cannot be answered: the messages still go out.
            with contextlib.suppress(BadRequest, NetworkError):
                await self.bot.answer_callback_query(query["id"])
        chat_id = self._chat_of(body)
        message = body.get("message") or (body.get("callback_query") or {}).get("message") or {}
        thread = str(message.get("message_thread_id") or "") if message.get(
            "is_topic_message") else ""
        if waiting_seconds(replies) and not query and progress.sent == 0:
            # "typing" lasts ~5 s or until our next message; a failure only loses the hint.
            with contextlib.suppress(DeliveryError):
                async with telegram_errors():
                    await self.bot.send_chat_action(
                        chat_id, ChatAction.TYPING,
                        message_thread_id=int(thread) if thread else None)
        messages = messages_only(replies)
        for n, reply in enumerate(messages):  # in a forum topic, answer in that topic
            if n < progress.sent:
                continue
            await self.send(chat_id, reply, thread_id=thread, pace="tg_answer")
            await progress.confirmed(n + 1, len(messages))
        metrics.answered("telegram", "push")  # Telegram has no reply tokens: a sent message

    async def push_replies(self, chat_id: str, replies: list[Reply], seed: str, /, *,
                           thread_id: str = "", reply_to: str = "") -> list[str]:
        """Send replies to a chat (not in answer to an update); return the message ids."""
        ids: list[str] = []
        for reply in messages_only(replies):  # only the first is the reply; the rest follow
            ids += await self.send(chat_id, reply, thread_id=thread_id,
                                   reply_to="" if ids else reply_to)
        return ids

    async def send(self, chat_id: int | str, reply: Reply, *, thread_id: str = "",
                   reply_to: str = "", pace: str = "tg_push") -> list[str]:
        """Send one reply; buttons go on its last chunk as an inline keyboard. pace: tg_push
        for messages nobody just asked for (stricter per-chat limit), tg_answer for replies."""
        chunks = split_text(reply_text(reply), MAX_TEXT, size=len)
        choices = flat_choices(reply)
        ids: list[str] = []
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            markup = _keyboard(choices) if last and choices else None
            await self.throttle(pace, str(chat_id))
            async with telegram_errors():
                sent = await self.bot.send_message(
                    chat_id, chunk, reply_markup=markup,
                    message_thread_id=int(thread_id) if thread_id else None,
                    reply_parameters=ReplyParameters(int(reply_to),
                                                     allow_sending_without_reply=True)
                    if reply_to and i == 0 else None)
            ids.append(str(sent.message_id))
        return ids

    async def is_forum(self, chat_id: str, /) -> bool:
        """Whether the group has topics (getChat)."""
        async with telegram_errors():
            chat = await self.bot.get_chat(int(chat_id))
        return bool(chat.is_forum)

    async def create_topic(self, chat_id: str, name: str, /) -> str:
        """createForumTopic (the bot needs can_manage_topics); the new thread's id."""
        async with telegram_errors():
            topic = await self.bot.create_forum_topic(int(chat_id), name[:MAX_TOPIC_NAME])
        return str(topic.message_thread_id)

    @staticmethod
    def _chat_of(body: dict[str, Any]) -> int:
        message = body.get("message") or (body.get("callback_query") or {}).get("message") or {}
        chat = message.get("chat") or {}
        if "id" in chat:
            return int(chat["id"])
        return int(((body.get("callback_query") or {}).get("from") or {})["id"])


def _check_message(message: Any, what: str = "message") -> None:
    """BadBody unless message has the Message fields the bot reads, of the right types."""
    need(isinstance(message, dict), f"{what} is not an object")
    need(is_int(message.get("message_id")), f"{what}.message_id is not an integer")
    chat = message.get("chat")
    need(isinstance(chat, dict) and is_int(chat.get("id")) and isinstance(chat.get("type"), str),
         f"{what}.chat is not a chat")
    sender = message.get("from")
    need(sender is None or (isinstance(sender, dict) and is_int(sender.get("id"))),
         f"{what}.from is not a user")
    need(optional(message, "text", str), f"{what}.text is not a string")
    need(optional(message, "caption", str), f"{what}.caption is not a string")
    need(optional(message, "message_thread_id", int), f"{what}.message_thread_id is not an int")
    replied = message.get("reply_to_message")
    if replied is not None and what == "message":
        _check_message(replied, "reply_to_message")


def _check_query(query: Any) -> None:
    need(isinstance(query, dict) and isinstance(query.get("id"), str),
         "callback_query is not a callback query")
    sender = query.get("from")
    need(isinstance(sender, dict) and is_int(sender.get("id")),
         "callback_query.from is not a user")
    need(optional(query, "data", str), "callback_query.data is not a string")
    if query.get("message") is not None:
        _check_message(query["message"], "callback_query.message")


def _ids(message: Message) -> tuple[str, str, str]:
    """message_id, thread_id (a forum topic) and reply_to (an explicit reply) of a message."""
    thread = message.message_thread_id if message.is_topic_message else None
    replied = message.reply_to_message
    # In a forum topic every message "replies" to the topic's first message: not a reply.
    reply_to = replied.message_id if replied and replied.message_id != thread else None
    return str(message.message_id), str(thread or ""), str(reply_to or "")


def _attachment(message: Message) -> str:
    """The kind of non-text content a message carries ("" for plain text)."""
    return next((name for name in ATTACHMENTS if getattr(message, name, None)), "")


def _keyboard(choices: tuple[Choice, ...]) -> InlineKeyboardMarkup:
    # One button per row: labels are whole questions and read badly side by side.
    rows = [[InlineKeyboardButton(c.label[:64], callback_data=_fit64(c.payload))] for c in choices]
    return InlineKeyboardMarkup(rows)


def _fit64(payload: str) -> str:
    data = payload.encode()[:64]
    return data.decode(errors="ignore")
