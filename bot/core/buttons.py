"""Button payloads: `{nonce}|{action}|{arg}`, so stale buttons can be told apart."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from typing import cast

from bot.core.types import Card, Carousel, Choice, Context, Reply, Turn, buttons_of

# The staleness rule. A button whose payload names everything it acts on (the menu, a topic,
# an FAQ entry, 看更多 or feedback on a named entry, 都不是 after suggestions, a staff step on a
# named proposal) means the same whenever it is pressed: it is STATELESS, always valid. A
# button that answers the question the conversation is asking now (a wizard value, 上一步,
# 略過, 保留, the preview, edit and resume choices, confirming a deletion) needs the current
# nonce: a later turn may have moved the conversation on, so an older one gets a polite
# "expired". A stateless handler may use the conversation's data (ctx.data) only when it
# belongs to the pressed button: the press is fresh (`is_fresh`), or the data names the same
# object (the FAQ entry a 👎 is about); otherwise it belongs to a later message.
STATELESS = frozenset({"menu", "help", "faq", "more", "topic", "topics", "fb", "nomatch",
                       "mydata", "propose", "myprops", "st",
                       "handoff", "he", "hr", "tc", "tx", "tf", "ts",  # hand-off, volunteers
                       # events: cards, pushed offers and reminders, staff lists
                       "events", "evp", "evr", "myevents", "evx", "evoa", "evor", "eva", "evi",
                       # i-Voting reminders and district news settings
                       "iv_menu", "iv_pick", "iv_sub", "iv_off", "nw_menu", "nw_sub", "news_off",
                       "pick", "flow"})  # a picked suggestion, a flow an answer offers


@dataclass(frozen=True)
class Press:
    """A parsed button press."""

    nonce: str
    action: str
    arg: str


def choice(label: str, action: str, arg: str = "") -> Choice:
    """A button whose payload the router will stamp with the conversation's nonce."""
    return Choice(label=label, payload=f"|{action}|{arg}")


def parse(payload: str) -> Press | None:
    """The press a payload encodes, or None for a payload we never made."""
    parts = payload.split("|", 2)
    if len(parts) != 3 or not parts[1]:
        return None
    return Press(*parts)


def is_fresh(press: Press, ctx: Context) -> bool:
    """True when the press comes from the latest set of buttons sent in this conversation."""
    return bool(ctx.nonce) and press.nonce == ctx.nonce


def is_stale(press: Press, ctx: Context) -> bool:
    """True when a stateful button belongs to an older set of buttons."""
    return press.action not in STATELESS and press.nonce != ctx.nonce


def stamp(turn: Turn) -> Turn:
    """Give the turn's buttons a fresh nonce and store it in the context."""
    if not any(buttons_of(r) for r in turn.replies):
        return turn
    nonce = secrets.token_hex(3)
    replies = tuple(_stamp_reply(r, nonce) for r in turn.replies)
    return replace(turn, replies=replies, context=replace(turn.context, nonce=nonce))


def _stamp_reply(reply: Reply, nonce: str) -> Reply:
    choices = tuple(Choice(c.label, nonce + c.payload) for c in reply.choices)
    if isinstance(reply, Carousel):
        cards = tuple(_stamp_reply(card, nonce) for card in reply.cards)
        return replace(reply, cards=cast(tuple[Card, ...], cards), choices=choices)
    return replace(reply, choices=choices)
