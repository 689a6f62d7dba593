"""While a resident's ticket is open: their messages go to it (the bot does not answer over
the volunteer), 「結束」 or 結束對話 closes it, 「謝謝」 after an answer closes it, and answers can
be rated. The ticket's number rides in ctx.data["ticket"]; the router keeps it through the
menu and other flows, and drops it once the ticket is closed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.common.hours import utc
from bot.core.buttons import Press
from bot.core.types import Context, Effect, Incoming, Reply, Text, Turn, Waiting
from bot.handlers import menu
from bot.handlers.deps import Deps
from bot.handlers.handoff.resident import TICKET, end_button, volunteer_button
from bot.proposals.fields import clean
from bot.tickets.scrub import mask_contact
from bot.tickets.view import TicketView

MAX_MESSAGE = 2000
WAITING_SECONDS = 60  # LINE's longest loading animation
ACK_EVERY = timedelta(minutes=10)  # where no reply token is kept, say "passed on" this often
BURST = timedelta(minutes=3)  # messages closer than this are one burst: acknowledged once
ENDS = frozenset({"ticket_close", "delete_my_data"})


def holds(ctx: Context) -> bool:
    """Whether the conversation has an open ticket (as far as it knows)."""
    return bool(ctx.data.get(TICKET))


async def checked(msg: Incoming, ctx: Context, deps: Deps) -> Context:
    """ctx without the ticket number once that ticket is closed (by a volunteer, for quiet).
    A ticket not found yet is kept: it may be opened in this very batch of turns."""
    ref = ctx.data.get(TICKET)
    if not ref:
        return ctx
    ticket = await deps.tickets.by_ref(str(ref))
    if ticket is None or (ticket.is_open and _mine(ticket, msg)):
        return ctx
    return replace(ctx, data={k: v for k, v in ctx.data.items() if k != TICKET})


def keep_marker(before: Context, turn: Turn) -> Turn:
    """Carry the open ticket's number through turns that reset their flow data (the menu, a
    proposal), unless the turn closed the ticket or deleted the user's data."""
    ref = before.data.get(TICKET)
    if not ref or TICKET in turn.context.data or any(e.name in ENDS for e in turn.effects):
        return turn
    return replace(turn, context=replace(turn.context, data={**turn.context.data, TICKET: ref}))


async def on_text(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    """A message to the open ticket: relayed, with the loading animation instead of a reply
    (so a volunteer answering soon can use the still-fresh reply token)."""
    ref, lang, t = str(ctx.data[TICKET]), ctx.locale, deps.content.t
    ticket = await deps.tickets.by_ref(ref)
    text = clean(msg.text)[:MAX_MESSAGE]
    if not text:
        return Turn(ctx, (Text(t("handoff.text_only", lang)),), meta={"intent": "handoff"})
    if ticket is not None and ticket.answers and deps.nlp.understand(text).intent == "thanks":
        return close(ctx, deps, ref, "thanks")
    replies: list[Reply] = [Waiting(WAITING_SECONDS)]
    if msg.attachment:
        replies.append(Text(t("handoff.caption_only", lang)))
    data = dict(ctx.data)
    now = utc(deps.clock())
    last, last_in = data.get("acked"), data.get("last_in")
    new_burst = not last_in or now - datetime.fromisoformat(str(last_in)) > BURST
    if new_burst or (not msg.reply_token
                     and (not last or now - datetime.fromisoformat(last) > ACK_EVERY)):
        replies.append(Text(await _relayed_text(deps, ref, lang)))
        data["acked"] = now.isoformat()
    data["last_in"] = now.isoformat()
    replies += _clear_answer(text, ctx, deps, lang)
    # The reply token is kept for the volunteer's answer only when this turn does not use it.
    effect = Effect("ticket_in", {"ref": ref, "text": mask_contact(text, t("handoff.masked")),
                                  "keep_token": len(replies) == 1})
    return Turn(replace(ctx, data=data), tuple(replies), (effect,), {"intent": "handoff"})


async def _relayed_text(deps: Deps, ref: str, lang: str) -> str:
    """「已轉給志工」, and when nobody will read it soon: no volunteers' group, or off duty."""
    from bot.tickets import render
    t = deps.content.t
    if await deps.tickets.group() is None:
        return t("handoff.relayed_no_group", lang, ref=ref)
    if not deps.handoff.is_open(deps.clock()):
        wait = render.wait_text(deps.content, deps.handoff, deps.clock(), lang)
        return t("handoff.relayed_off_duty", lang, ref=ref, wait=wait)
    return t("handoff.relayed", lang, ref=ref)


def _clear_answer(text: str, ctx: Context, deps: Deps, lang: str) -> list[Reply]:
    """A clear FAQ question gets its answer at once (it still goes to the volunteers too)."""
    from bot.handlers.faq.answer import answer_entry  # the FAQ imports the hand-off
    u = deps.nlp.understand(text)
    if u.intent != "faq" or u.confidence != "high" or not u.matches or u.step or u.beyond:
        return []
    entry = deps.nlp.entry(u.matches[0].faq_id)
    turn = answer_entry(entry, ctx, deps, "en" if u.lang == "en" else lang)
    return [Text(deps.content.t("handoff.answered_meanwhile", lang)), *turn.replies]


async def end_command(msg: Incoming, ctx: Context, deps: Deps, lang: str) -> Turn:
    """「結束」: close the open ticket; with none, what 「取消」 does."""
    if holds(ctx):
        return close(replace(ctx, locale=lang), deps, str(ctx.data[TICKET]), "resident")
    return menu.cancel(msg, ctx, deps, lang)


async def cancel_command(msg: Incoming, ctx: Context, deps: Deps, lang: str) -> Turn:
    """「取消」: leaves a step as always; with only the open ticket left, says how to end it."""
    if holds(ctx) and ctx.state == "idle":
        text = deps.content.t("handoff.still_open", lang, ref=str(ctx.data[TICKET]))
        reply = Text(text, (end_button(deps, str(ctx.data[TICKET]), lang),))
        return Turn(replace(ctx, locale=lang), (reply,), meta={"intent": "cancel"})
    return menu.cancel(msg, ctx, deps, lang)


async def press_end(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """結束對話 (valid whenever pressed: it is on pushed answers)."""
    ticket = await deps.tickets.by_ref(press.arg)
    if ticket is None or not _mine(ticket, msg):
        return menu.stale(ctx, deps)
    if not ticket.is_open:
        return _gone(ctx, deps)
    return close(ctx, deps, ticket.ref, "resident")


def close(ctx: Context, deps: Deps, ref: str, reason: str) -> Turn:
    """Close the ticket (an effect that also tells the volunteers) and say so."""
    lang, t = ctx.locale, deps.content.t
    note = t(f"volunteer.note.closed_{reason}", ref=ref)
    effect = Effect("ticket_close", {"ref": ref, "reason": reason, "note": note})
    key = "handoff.closed_thanks" if reason == "thanks" else "handoff.closed_by_you"
    reply = Text(t(key, lang, ref=ref), menu.menu_choices(deps, lang))
    data = {k: v for k, v in ctx.data.items() if k not in (TICKET, "acked", "last_in")}
    return Turn(replace(ctx, state="idle", data=data), (reply,), (effect,),
                {"intent": "handoff"})


async def press_rate(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """👍 / 👎 on a volunteer's answer; the volunteers hear about it."""
    lang, t = ctx.locale, deps.content.t
    number, helpful = press.arg[:-1], press.arg.endswith("+")
    answer = await deps.tickets.answer(int(number)) if number.isdigit() else None
    ticket = await deps.tickets.by_ref(answer.ref) if answer else None
    if answer is None or ticket is None or not _mine(ticket, msg):
        return menu.stale(ctx, deps)
    who = answer.author_name or t("volunteer.someone")
    note = t("volunteer.note.rated_up" if helpful else "volunteer.note.rated_down",
             ref=ticket.ref, name=who)
    effect = Effect("ticket_rate", {"answer": answer.id, "helpful": helpful, "ref": ticket.ref,
                                    "note": note})
    if helpful:
        reply = Text(t("handoff.rated_up", lang))
    elif ticket.is_open:
        reply = Text(t("handoff.rated_down_open", lang))
    else:
        reply = Text(t("handoff.rated_down_closed", lang), (volunteer_button(deps, lang),))
    return Turn(ctx, (reply,), (effect,), {"intent": "handoff"})


def _mine(ticket: TicketView, msg: Incoming) -> bool:
    return ticket.platform == msg.platform and ticket.user_id == msg.user_id


def _gone(ctx: Context, deps: Deps) -> Turn:
    reply = Text(deps.content.t("handoff.gone", ctx.locale), menu.menu_choices(deps, ctx.locale))
    data = {k: v for k, v in ctx.data.items() if k != TICKET}
    return Turn(replace(ctx, data=data), (reply,), meta={"intent": "handoff"})
