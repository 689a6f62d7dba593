"""Button payloads: `{nonce}|{action}|{arg}`, so stale buttons can be told apart.

The action is a readable name a feature declares (`events.register`, `propose.value`); which
actions stay valid whenever pressed (stateless) is declared with them and decided by
`bot.handlers.features.is_stale`. Payloads must fit Telegram's 64 bytes of callback data
(LINE allows 300): tests/test_payloads.py measures the longest each action can make."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from typing import cast

from bot.core.types import Card, Carousel, Choice, Context, Reply, Turn, buttons_of


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
