"""Issue 22, point 7: nudges only in duty hours, named again once when the next duty period
starts; closing someone else's claimed ticket asks first; only registered volunteers read
/tickets; a mention of the bot in the volunteers' group gets their help, not FAQ answers.

The group's side goes through the webhook and the fake Bot API (every call validated)."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.common.hours import parse_hours
from bot.handlers.handoff.sweep import TicketSweep
from bot.proposals.dates import TAIPEI
from bot.storage.models import Ticket
from bot.tickets.view import GroupView
from tests.bot_harness import running_bot
from tests.chat import shared_deps
from tests.handoff_harness import (
    ANNA,
    BEN,
    FORUM,
    STRANGER,
    card_buttons,
    line_resident_opens_ticket,
    post,
    pressing,
    run_jobs,
    sends,
    set_up_group,
)


def _command(user: int, text: str) -> dict[str, Any]:
    update_id = int(time.time() * 1000) % 10**9
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()),
        "chat": {"id": FORUM, "type": "supergroup", "title": "志工群組", "is_forum": True},
        "from": {"id": user, "is_bot": False, "first_name": "成員"}, "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if text.startswith("/") else []}}


def _nudges(texts: list[str]) -> list[str]:
    return [t for t in texts if "提醒" in t and "還沒有人認領" in t]


async def test_nudges_wait_for_duty_hours_and_come_again_next_period(tmp_path: Path) -> None:
    deps = replace(shared_deps(), handoff=replace(shared_deps().handoff,
                                                  hours=parse_hours("mon-sun 09:00-18:00")))
    async with running_bot(tmp_path, deps=deps) as bot:
        await set_up_group(FORUM, bot=bot)
        await line_resident_opens_ticket(bot, "住民大會在哪裡開")
        await run_jobs(bot)
        sweep, group = TicketSweep(deps), GroupView("telegram", str(FORUM))
        day = (datetime.now(TAIPEI) + timedelta(days=1)).replace(second=0, microsecond=0)
        for hour, minute, days in ((23, 0, 0), (8, 59, 1), (9, 1, 1), (10, 0, 1), (9, 2, 2),
                                   (11, 0, 2)):
            await sweep.sweep(day.replace(hour=hour, minute=minute) + timedelta(days=days),
                              group)
            await run_jobs(bot)
        nudges = _nudges([str(p["text"]) for p in sends(bot, FORUM)])
        assert len(nudges) == 2, nudges  # 09:01 the next morning, then once the day after
        assert not bot.telegram.errors


async def test_closing_anothers_ticket_asks_and_only_volunteers_list(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_group(FORUM, bot=bot)
        ticket = await line_resident_opens_ticket(bot, "住民大會在哪裡開")
        await run_jobs(bot)
        card = card_buttons(next(p for p in sends(bot, FORUM) if card_buttons(p)))
        await post(bot, pressing(ANNA, card["認領"]))
        await post(bot, pressing(BEN, card["結案"]))
        asked = sends(bot, FORUM)[-1]
        assert "目前由 Anna 認領" in asked["text"] and "仍要結案" in str(card_buttons(asked))
        assert (await Ticket.get(id=ticket.id)).status == "open"
        await post(bot, pressing(BEN, card_buttons(asked)[f"仍要結案 #{ticket.ref}"]))
        assert (await Ticket.get(id=ticket.id)).status != "open"
        await post(bot, _command(STRANGER, "/tickets"))
        assert "只限已登記的志工" in sends(bot, FORUM)[-1]["text"]
        assert ticket.ref not in sends(bot, FORUM)[-1]["text"]
        await post(bot, _command(ANNA, "/tickets"))
        assert "只限" not in sends(bot, FORUM)[-1]["text"]
        await post(bot, _command(BEN, "@civic_test_bot 什麼是參與式預算"))
        helped = sends(bot, FORUM)[-1]["text"]
        assert "志工群組" in helped and "/tickets" in helped
        assert not bot.telegram.errors
