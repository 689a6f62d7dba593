"""Helpers for the district office tests: a staff group on Telegram, proposals, jobs."""

from __future__ import annotations

import asyncio
import itertools
import secrets
import time
from typing import Any

from bot.core.types import Effect, Incoming
from bot.runtime.effects import apply_effect
from bot.runtime.services import Services
from bot.runtime.web import SERVICES
from bot.storage.models import Job
from bot.storage.proposals import staff
from bot.storage.proposals import store as proposals
from tests.bot_harness import Bot
from tests.fakes.telegram_api import BOT_USER

GROUP = -1001234567890  # 士林區公所's staff group
CLERK, OTHER_CLERK, BEITOU_CLERK, STRANGER = 7001, 7002, 7003, 7004
DISTRICT = "士林區"
ANSWERS: dict[str, Any] = {
    "title": "士林公園增設遮陽棚", "district": DISTRICT, "place": "士林公園",
    "category": "parks", "problem": "夏天太陽很大，長者在公園休息沒有遮蔽的地方。",
    "solution": "在公園步道旁增設三座遮陽棚與座椅。", "beneficiaries": "附近長者與親子",
    "cost": 500000, "contact": False}
_update_ids = itertools.count(90_000)


def services_of(bot: Bot) -> Services:
    """The running app's services."""
    return bot.client.server.app[SERVICES]


async def set_up_office(chat: bool = True) -> None:
    """Two clerks for 士林區, one for 北投區, and (optionally) 士林區's staff group."""
    await staff.add_role("telegram", str(CLERK), DISTRICT)
    await staff.add_role("telegram", str(OTHER_CLERK), DISTRICT)
    await staff.add_role("telegram", str(BEITOU_CLERK), "北投區")
    if chat:
        await staff.set_chat(DISTRICT, "telegram", str(GROUP))


async def submit(platform: str, user_id: str, ref: str, **changes: Any) -> None:
    """Submit a proposal the way the wizard does (the effect also queues the staff notice)."""
    msg = Incoming(platform=platform, chat_id=user_id, user_id=user_id)
    data = {"token": secrets.token_urlsafe(16), "ref": ref, "answers": {**ANSWERS, **changes}}
    await apply_effect(msg, Effect("proposal_submit", data))


async def run_jobs(bot: Bot, timeout: float = 15.0) -> None:
    """Run due jobs until none is pending (the app's own runner may take some too)."""
    services = services_of(bot)
    deadline = time.monotonic() + timeout
    while await Job.filter(status="pending").exists():
        assert time.monotonic() < deadline, "jobs did not finish"
        await services.jobs.run_once()
        await asyncio.sleep(0.02)


async def status_of(ref: str) -> str:
    """The stored status of a proposal."""
    p = await proposals.by_ref(ref)
    assert p is not None
    return p.status


def _group() -> dict[str, Any]:
    return {"id": GROUP, "type": "supergroup", "title": "士林區公所參與式預算"}


def _user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "承辦人"}


def press(user_id: int, data: str) -> dict[str, Any]:
    """A group member pressing one of the bot's buttons in the staff group."""
    update_id = next(_update_ids)
    message = {"message_id": 500, "date": int(time.time()), "chat": _group(), "text": "…",
               "from": BOT_USER}
    return {"update_id": update_id, "callback_query": {
        "id": str(update_id), "from": _user(user_id), "chat_instance": "ci",
        "message": message, "data": data}}


def reply(user_id: int, text: str) -> dict[str, Any]:
    """A group member replying to one of the bot's messages (privacy mode delivers these)."""
    update_id = next(_update_ids)
    asked = {"message_id": 501, "date": int(time.time()), "chat": _group(), "from": BOT_USER,
             "text": "…"}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "chat": _group(),
        "from": _user(user_id), "text": text, "reply_to_message": asked}}


def group_message(user_id: int, text: str) -> dict[str, Any]:
    """A plain message in the group (a command when it starts with /)."""
    update_id = next(_update_ids)
    message: dict[str, Any] = {"message_id": update_id, "date": int(time.time()),
                               "chat": _group(), "from": _user(user_id), "text": text}
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"update_id": update_id, "message": message}


def group_sends(bot: Bot) -> list[dict[str, Any]]:
    """The params of every sendMessage to the staff group."""
    return [c.params for c in bot.telegram.calls
            if c.method == "sendMessage" and str(c.params["chat_id"]) == str(GROUP)]


def buttons(params: dict[str, Any]) -> dict[str, str]:
    """label -> callback_data of a sendMessage's inline keyboard."""
    rows = (params.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row}


def group_edits(bot: Bot) -> list[dict[str, Any]]:
    """The params of every editMessageText in the staff group (cards changed in place)."""
    return [c.params for c in bot.telegram.calls
            if c.method == "editMessageText" and str(c.params["chat_id"]) == str(GROUP)]


def last_card(bot: Bot) -> dict[str, Any]:
    """The last card in the group with buttons, as sent or as last edited in place."""
    cards = [c.params for c in bot.telegram.calls
             if c.method in ("sendMessage", "editMessageText")
             and str(c.params["chat_id"]) == str(GROUP) and buttons(c.params)]
    return cards[-1]
