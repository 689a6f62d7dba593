"""The volunteers' group: answers written in a ticket's topic (or as replies to its message)
go to the resident; buttons claim, close, suggest an FAQ entry or send one of the bot's
guesses. Only people with the volunteer role may act (`run.py volunteers add`).

Answers and presses are effects: a claim is a conditional update, so of two volunteers
pressing at once one wins and the other's turn re-runs and hears who has it.
"""

from __future__ import annotations

from dataclasses import replace

from bot.core.buttons import Press, choice
from bot.core.types import Card, Context, Effect, Incoming, Text, Turn
from bot.handlers.deps import Deps
from bot.handlers.handoff import suggest
from bot.nlp.kb import FaqEntry
from bot.proposals.fields import clean
from bot.tickets.render import ticket_card
from bot.tickets.view import TicketView, Volunteer

MAX_ANSWER = 4000
CLOSE_ANYWAY = "handoff.close_anyway"  # 結案 of someone else's claimed ticket, confirmed


async def on_group_message(msg: Incoming, ctx: Context, deps: Deps) -> Turn | None:
    """A volunteer's message in a ticket's topic or replying to a ticket's message: relayed to
    the resident. None when the message belongs to no ticket."""
    if not (msg.thread_id or msg.reply_to) or msg.text.startswith("/") or suggest.takes(msg, ctx):
        return None
    group = await deps.tickets.group()
    if group is None or (group.platform, group.chat_id) != (msg.platform, msg.chat_id):
        return None
    ticket = await deps.tickets.in_group(msg.chat_id, msg.thread_id, msg.reply_to)
    if ticket is None:
        # A reply to one of the bot's other messages (a claim, a nudge): say how to answer,
        # rather than answer it as a question. Flows waiting for a reply keep it.
        hint = msg.addressed and not msg.thread_id and ctx.state == "idle"
        return _say(ctx, deps, "volunteer.reply_hint") if hint else None
    volunteer = await deps.tickets.volunteer(msg.platform, msg.user_id)
    if volunteer is None:
        return _say(ctx, deps, "volunteer.refused")
    if not ticket.is_open:
        return _say(ctx, deps, "volunteer.closed_no_relay", ref=ticket.ref)
    text = clean(msg.text)[:MAX_ANSWER]
    if not text:
        return _say(ctx, deps, "volunteer.media")
    name = _name(deps, volunteer, msg)
    effect = Effect("ticket_answer", {"ref": ticket.ref, "text": text, "name": name})
    card = _card(deps, ticket, "answered", name) if ticket.answers == 0 else ()
    return Turn(ctx, (*card, *_answer_notes(deps, ticket, msg, name)), (effect,),
                {"intent": "volunteer"})


def _answer_notes(deps: Deps, ticket: TicketView, msg: Incoming, name: str) -> tuple[Text, ...]:
    """Nothing on a plain answer (the group's 20 messages a minute are precious); a note when
    the ticket is someone else's, or when a photo could not go along."""
    t = deps.content.t
    notes = []
    if ticket.claimed_by and ticket.claimed_by != msg.user_id:
        notes.append(t("volunteer.answered_other", ref=ticket.ref, name=ticket.claimed_name,
                       other=name))
    if msg.attachment:
        notes.append(t("volunteer.media_caption"))
    return (Text("\n".join(notes)),) if notes else ()


async def press_claim(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """認領: atomic; the loser of a race is told who has it."""
    found = await _ticket_for_press(msg, press.arg, ctx, deps)
    if isinstance(found, Turn):
        return found
    ticket, volunteer = found
    if ticket.claimed_by == msg.user_id:
        return _say(ctx, deps, "volunteer.claimed_yours", ref=ticket.ref)
    if ticket.claimed_by:
        return _say(ctx, deps, "volunteer.claimed_already", ref=ticket.ref,
                    name=ticket.claimed_name or "-")
    name = _name(deps, volunteer, msg)
    said = Text(deps.content.t("volunteer.claimed", ref=ticket.ref, name=name))
    return Turn(ctx, (*_card(deps, ticket, "claimed", name), said),
                (Effect("ticket_claim", {"ref": ticket.ref, "name": name}),),
                {"intent": "volunteer"})


def _card(deps: Deps, ticket: TicketView, stage: str, name: str) -> tuple[Card, ...]:
    """The ticket's card in the group, changed in place (none when it was never posted)."""
    if not ticket.card_id:
        return ()
    card = ticket_card(deps.content, deps.nlp, ticket, bool(ticket.thread_id), stage=stage,
                       name=name, at=deps.clock())
    return (replace(card, edit=ticket.card_id),)


async def press_close(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """結案: close and tell the resident; someone else's claimed ticket asks first."""
    found = await _ticket_for_press(msg, press.arg, ctx, deps)
    if isinstance(found, Turn):
        return found
    ticket, volunteer = found
    t = deps.content.t
    if press.action != CLOSE_ANYWAY and ticket.claimed_by and ticket.claimed_by != msg.user_id:
        sure = choice(t("volunteer.button.close_anyway", ref=ticket.ref), CLOSE_ANYWAY,
                      ticket.ref)
        return Turn(ctx, (Text(t("volunteer.close_other", ref=ticket.ref,
                                 name=ticket.claimed_name or "-"), (sure,)),),
                    meta={"intent": "volunteer"})
    name = _name(deps, volunteer, msg)
    notice = {"type": "text", "text": t("handoff.closed_by_volunteer", ticket.locale,
                                        ref=ticket.ref), "choices": []}
    effect = Effect("ticket_close", {"ref": ticket.ref, "reason": "volunteer",
                                     "notice": notice})
    said = Text(t("volunteer.closed", ref=ticket.ref, name=name))
    return Turn(ctx, (*_card(deps, ticket, "closed", name), said), (effect,),
                {"intent": "volunteer"})


async def press_send(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """送出: one of the bot's guesses goes to the resident as the answer."""
    ref, _, faq_id = press.arg.partition(":")
    found = await _ticket_for_press(msg, ref, ctx, deps)
    if isinstance(found, Turn):
        return found
    ticket, volunteer = found
    entry = _entry(deps, faq_id)
    if entry is None:
        return _say(ctx, deps, "volunteer.bad_button")
    name = _name(deps, volunteer, msg)
    effect = Effect("ticket_answer", {"ref": ticket.ref, "text": _entry_text(deps, entry),
                                      "name": name, "faq_id": entry.id})
    reply = Text(deps.content.t("volunteer.sent_guess", ref=ticket.ref,
                                question=entry.questions[0]))
    return Turn(ctx, (reply,), (effect,), {"intent": "volunteer"})


async def _ticket_for_press(msg: Incoming, ref: str, ctx: Context, deps: Deps,
                            open_only: bool = True) -> tuple[TicketView, Volunteer] | Turn:
    """The ticket and the volunteer behind a button, or the refusal to answer with."""
    volunteer = await deps.tickets.volunteer(msg.platform, msg.user_id)
    if volunteer is None:
        return _say(ctx, deps, "volunteer.refused")
    ticket = await deps.tickets.by_ref(ref) if ref else None
    if ticket is None:
        return _say(ctx, deps, "volunteer.not_found", ref=ref or "-")
    if open_only and not ticket.is_open:
        return _say(ctx, deps, "volunteer.closed_already", ref=ticket.ref)
    return ticket, volunteer


def _entry(deps: Deps, faq_id: str) -> FaqEntry | None:
    try:
        return deps.nlp.entry(faq_id)
    except KeyError:
        return None


def _entry_text(deps: Deps, entry: FaqEntry) -> str:
    doc, year = entry.source.get("doc", ""), entry.source.get("year", "")
    source = deps.content.t("faq.source", doc=doc, year=year) if doc else ""
    return f"{entry.answer}\n{source}".strip()


def _name(deps: Deps, volunteer: Volunteer, msg: Incoming) -> str:
    """The name other volunteers see: the role's name, else the platform's display name."""
    return (volunteer.name or msg.name or deps.content.t("volunteer.someone"))[:64]


def _say(ctx: Context, deps: Deps, key: str, **params: object) -> Turn:
    return Turn(replace(ctx), (Text(deps.content.t(key, **params)),),
                meta={"intent": "volunteer"})
