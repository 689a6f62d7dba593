"""Helpers for the hand-off tests: the volunteers' Telegram group (forum or plain), its
members' updates, residents on LINE and Telegram, and running the relay jobs."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

from bot.storage.models import Job, Ticket
from bot.storage.tickets import volunteers
from tests.bot_harness import Bot
from tests.fakes.line_api import message_text
from tests.fakes.telegram_api import BOT_USER
from tests.fakes.webhooks import line_body, line_text_event
from tests.staff_harness import services_of

FORUM, PLAIN = -1005550001, -1005550002  # a forum group (topics) and a plain group
ANNA, BEN, STRANGER = 8101, 8102, 8199  # two volunteers and a member without the role
LINE_RESIDENT = "U" + "5" * 32
TG_RESIDENT = 424299
_ids = itertools.count(700_000)


async def set_up_group(chat: int = FORUM, forum: bool = True, bot: Bot | None = None) -> None:
    """The volunteers' group (a forum unless told) with Anna and Ben as volunteers."""
    await volunteers.set_group("telegram", str(chat))
    await volunteers.add("telegram", str(ANNA), "Anna")
    await volunteers.add("telegram", str(BEN), "")
    if bot is not None and forum:
        bot.telegram.forums.add(chat)


async def run_jobs(bot: Bot, timeout: float = 20.0) -> None:
    """Run due jobs until none is left (the app's own runner may take some too)."""
    services = services_of(bot)
    deadline = time.monotonic() + timeout
    while await Job.filter(status="pending").exists():
        assert time.monotonic() < deadline, await Job.filter(status="pending").values(
            "kind", "error")
        await services.jobs.run_once()
        await asyncio.sleep(0.05)


async def line_says(bot: Bot, text: str, user: str = LINE_RESIDENT) -> None:
    """A LINE resident writes (a fresh reply token comes with it)."""
    assert (await bot.post_line(line_body([line_text_event(user, text)]))).status == 200
    await bot.settle()


async def line_presses(bot: Bot, label: str, user: str = LINE_RESIDENT) -> None:
    """A LINE resident presses a button of the bot's last request to them."""
    from tests.fakes.webhooks import line_postback_event
    actions = [a for a in _last_actions(bot) if label in a["label"]]
    assert actions, [a["label"] for a in _last_actions(bot)]
    body = line_body([line_postback_event(user, actions[0]["data"])])
    assert (await bot.post_line(body)).status == 200
    await bot.settle()


def _last_actions(bot: Bot) -> list[dict[str, Any]]:
    for index in range(len(bot.line.requests) - 1, -1, -1):
        if bot.line.requests[index].path in ("/v2/bot/message/reply", "/v2/bot/message/push"):
            return bot.line.actions(index)
    return []


def line_texts(bot: Bot) -> list[str]:
    """Every text the bot sent LINE users (replies and pushes), in order."""
    return [message_text(m) for r in bot.line.requests for m in (r.json or {}).get("messages", [])]


async def line_resident_opens_ticket(bot: Bot, question: str) -> Ticket:
    """「我要找真人」, the question, skip the district, agree: the ticket."""
    await line_says(bot, "我要找真人")
    await line_says(bot, question)
    await line_presses(bot, "略過")
    await line_presses(bot, "同意轉交")
    return await Ticket.get(user_id=LINE_RESIDENT)


def _group(chat: int) -> dict[str, Any]:
    forum = {"is_forum": True} if chat == FORUM else {}
    return {"id": chat, "type": "supergroup", "title": "志工群組", **forum}


def _user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": f"志工{user_id % 100}"}


def in_topic(user_id: int, text: str, thread: int, chat: int = FORUM,
             update_id: int | None = None, **extra: Any) -> dict[str, Any]:
    """A member writes in a forum topic the bot created (Telegram: a 'reply' to the
    topic's first message)."""
    update_id = update_id or next(_ids)
    opener = {"message_id": thread, "date": 1, "chat": _group(chat), "from": BOT_USER,
              "forum_topic_created": {"name": "topic", "icon_color": 7322096},
              "message_thread_id": thread, "is_topic_message": True}
    message: dict[str, Any] = {"message_id": update_id, "date": int(time.time()),
                               "chat": _group(chat), "from": _user(user_id),
                               "message_thread_id": thread, "is_topic_message": True,
                               "reply_to_message": opener, **extra}
    if text:
        message["text"] = text
    return {"update_id": update_id, "message": message}


def replying(user_id: int, text: str, to_message: int, chat: int = PLAIN,
             from_bot: bool = True, update_id: int | None = None) -> dict[str, Any]:
    """A member replies to a message in a plain group (the bot's, unless told)."""
    update_id = update_id or next(_ids)
    replied = {"message_id": to_message, "date": 1, "chat": _group(chat), "text": "…",
               "from": BOT_USER if from_bot else _user(ANNA)}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "chat": _group(chat),
        "from": _user(user_id), "text": text, "reply_to_message": replied}}


def pressing(user_id: int, data: str, chat: int = FORUM, thread: int | None = None
             ) -> dict[str, Any]:
    """A member presses one of the bot's buttons in the group."""
    update_id = next(_ids)
    message: dict[str, Any] = {"message_id": 1, "date": int(time.time()), "chat": _group(chat),
                               "text": "…", "from": BOT_USER}
    if thread:
        message.update(message_thread_id=thread, is_topic_message=True)
    return {"update_id": update_id, "callback_query": {
        "id": str(update_id), "from": _user(user_id), "chat_instance": "ci",
        "message": message, "data": data}}


async def post(bot: Bot, *updates: dict[str, Any]) -> None:
    """Post updates (together, so one batch may hold them), then let the inbox settle."""
    for update in updates:
        assert (await bot.post_telegram(update)).status == 200
    await bot.settle()


def sends(bot: Bot, chat: int) -> list[dict[str, Any]]:
    """The params of every sendMessage to a chat."""
    return [c.params for c in bot.telegram.calls
            if c.method == "sendMessage" and str(c.params["chat_id"]) == str(chat)]


def card_buttons(params: dict[str, Any]) -> dict[str, str]:
    """label -> callback_data of a sendMessage's inline keyboard."""
    rows = (params.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row}


def tg_resident(text: str, update_id: int | None = None) -> dict[str, Any]:
    """The Telegram resident writes to the bot in private."""
    from tests.fakes.webhooks import telegram_message_update
    return telegram_message_update(update_id or next(_ids), TG_RESIDENT, TG_RESIDENT, text)


def tg_resident_presses(bot: Bot, label: str) -> dict[str, Any]:
    """The Telegram resident presses a button of the bot's last message to them."""
    from tests.fakes.webhooks import telegram_callback_update
    last = [p for p in sends(bot, TG_RESIDENT) if card_buttons(p)][-1]
    data = next(d for text, d in card_buttons(last).items() if label in text)
    return telegram_callback_update(next(_ids), TG_RESIDENT, TG_RESIDENT, data)
