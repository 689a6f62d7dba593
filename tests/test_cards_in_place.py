"""Issue 22, point 4: cards edited in place (editMessageText) when a proposal changes status
and when a ticket is claimed, answered or closed: old buttons removed, the actor and the time
shown; a resubmission after 需補件 is marked. Through the webhook and the fake Bot API, which
validates every call against the spec."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

from bot.core.types import Effect, Incoming
from bot.runtime.effects import apply_effect
from bot.storage.models import Proposal, Ticket
from tests.bot_harness import Bot, running_bot
from tests.handoff_harness import (
    ANNA,
    FORUM,
    card_buttons,
    in_topic,
    line_resident_opens_ticket,
    post,
    pressing,
    sends,
    set_up_group,
)
from tests.handoff_harness import run_jobs as relay_jobs
from tests.staff_harness import (
    ANSWERS,
    CLERK,
    buttons,
    group_edits,
    group_sends,
    last_card,
    press,
    reply,
    run_jobs,
    set_up_office,
)

WHEN = re.compile(r"\d{4}-\d{2}-\d{2}（[一二三四五六日]）\d{2}:\d{2}")
PRESSED = 500  # the message id staff_harness.press puts on the pressed card


def _edits(bot: Bot, chat: int) -> list[dict[str, Any]]:
    return [c.params for c in bot.telegram.calls
            if c.method == "editMessageText" and str(c.params["chat_id"]) == str(chat)]


async def _submit(token: str, ref: str) -> None:
    msg = Incoming(platform="local", chat_id="resident", user_id="resident")
    await apply_effect(msg, Effect("proposal_submit", {"token": token, "ref": ref,
                                                       "answers": ANSWERS}))


async def test_a_proposal_card_changes_in_place_and_a_resubmission_is_marked(
        tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_office()
        token = secrets.token_urlsafe(16)
        await _submit(token, "261208-CARD")
        await run_jobs(bot)
        first = last_card(bot)
        first_id = (await Proposal.get(ref="261208-CARD")).card_id
        cards_sent = len([p for p in group_sends(bot) if buttons(p)])
        await post(bot, press(CLERK, buttons(first)["需補件"]))
        await post(bot, reply(CLERK, "請補上預估經費的來源"))
        [edit] = group_edits(bot)
        assert edit["message_id"] == PRESSED and "目前狀態：需要補件" in edit["text"]
        assert "由 承辦人 變更（" in edit["text"] and WHEN.search(edit["text"])
        assert set(buttons(edit)) == {"受理", "不受理"}  # the next steps replace the old ones
        assert len([p for p in group_sends(bot) if buttons(p)]) == cards_sent  # no new card
        await _submit(token, "261208-CARD")  # the resident continues and submits again
        await run_jobs(bot)
        again = last_card(bot)
        assert "261208-CARD" in again["text"] and "補件後重送（第 1 次）" in again["text"]
        old = group_edits(bot)[-1]  # the first card loses its buttons to the new one
        assert "已重新送出" in old["text"] and "reply_markup" not in old
        assert old["message_id"] == int(first_id or 0)
        await post(bot, press(CLERK, buttons(again)["不受理"]))
        await post(bot, reply(CLERK, "本案屬於中央權責，無法受理"))
        final = group_edits(bot)[-1]
        assert "不受理" in final["text"] and "由 承辦人 變更" in final["text"]
        assert "reply_markup" not in final  # final: every button gone
        assert not bot.telegram.errors


async def test_a_ticket_card_shows_who_claimed_answered_and_closed_it(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_group(FORUM, bot=bot)
        ticket = await line_resident_opens_ticket(bot, "住民大會在哪裡開")
        await relay_jobs(bot)
        card = next(p for p in sends(bot, FORUM) if card_buttons(p))
        row = await Ticket.get(id=ticket.id)
        card_id, thread = int(row.card_id or 0), int(row.thread_id or 0)
        await post(bot, pressing(ANNA, card_buttons(card)["認領"]))
        claimed = _edits(bot, FORUM)[-1]
        assert claimed["message_id"] == card_id and "已由 Anna 認領（" in claimed["text"]
        assert "認領" not in card_buttons(claimed) and "結案" in card_buttons(claimed)
        await post(bot, in_topic(ANNA, "在士林區公所三樓。", thread))
        answered = _edits(bot, FORUM)[-1]
        assert "Anna 已回覆民眾（" in answered["text"] and WHEN.search(answered["text"])
        await post(bot, in_topic(ANNA, "上午十點開始。", thread))
        assert len(_edits(bot, FORUM)) == 2  # one edit for the first answer only
        await post(bot, pressing(ANNA, card_buttons(claimed)["結案"]))
        closed = _edits(bot, FORUM)[-1]
        assert "已結案（Anna，" in closed["text"] and "reply_markup" not in closed
        assert not bot.telegram.errors

