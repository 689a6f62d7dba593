"""轉成常見問題: the volunteer writes the FAQ suggestion, question and answer, in their own
general words (issue 22). The resident's text is never copied into it: the bot asks for the
question, then the answer, each as a reply to its prompt, and refuses text shaped like
someone's details (a mask, a phone, an e-mail, a name with an address)."""

from __future__ import annotations

from dataclasses import replace

from bot.common.personal import personal_shapes
from bot.core.buttons import Press
from bot.core.types import Context, Effect, Incoming, Text, Turn
from bot.handlers import menu
from bot.handlers.deps import Deps
from bot.proposals.fields import clean

QUESTION, ANSWER = "faq_question", "faq_answer"
STATES = (QUESTION, ANSWER)
LIMITS = {QUESTION: (4, 100), ANSWER: (10, 1000)}


def _say(ctx: Context, deps: Deps, key: str, **params: object) -> Turn:
    return Turn(ctx, (Text(deps.content.t(key, ctx.locale, **params)),),
                meta={"intent": "volunteer"})


async def press_to_faq(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """轉成常見問題: ask the volunteer for the question, as residents would ask it."""
    volunteer = await deps.tickets.volunteer(msg.platform, msg.user_id)
    if volunteer is None:
        return _say(ctx, deps, "volunteer.refused")
    ticket = await deps.tickets.by_ref(press.arg) if press.arg else None
    if ticket is None:
        return _say(ctx, deps, "volunteer.not_found", ref=press.arg or "-")
    ctx = replace(ctx, state=QUESTION, data={"ref": ticket.ref})
    return _say(ctx, deps, "volunteer.faq.ask_question", ref=ticket.ref)


def takes(msg: Incoming, ctx: Context) -> bool:
    """A reply to the bot's prompt while writing a suggestion (not an answer in a topic)."""
    return ctx.state in STATES and msg.addressed and bool(msg.reply_to)


async def on_text(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    """The question, then the answer; each checked before it is kept."""
    text = clean(msg.text)
    low, high = LIMITS[ctx.state]
    if not low <= len(text) <= high:
        return _say(ctx, deps, "volunteer.faq.length", min=low, max=high)
    shapes = personal_shapes(text)
    if shapes:
        return _say(ctx, deps, "volunteer.faq.personal")
    if ctx.state == QUESTION:
        ctx = replace(ctx, state=ANSWER, data={**ctx.data, "question": text})
        return _say(ctx, deps, "volunteer.faq.ask_answer", question=text)
    ref, question = str(ctx.data.get("ref", "")), str(ctx.data.get("question", ""))
    effect = Effect("faq_suggest", {"ref": ref, "question": question, "answer": text,
                                    "written": True})
    done = menu.idle(ctx, ctx.locale)
    turn = _say(done, deps, "volunteer.suggested", ref=ref, question=question)
    return replace(turn, effects=(effect,))
