"""Button payloads: `{nonce}|{action}|{arg}`, so stale buttons can be told apart."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace

from bot.core.types import Card, Choice, Context, Reply, Text, Turn

# Actions that make sense whenever pressed; anything else needs the current nonce.
STATELESS = frozenset({"menu", "help", "faq", "more", "topic", "topics", "fb", "mydata",
                       "propose", "myprops", "st", "pick", "flow"})


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


def is_stale(press: Press, ctx: Context) -> bool:
    """True when a stateful button belongs to an older set of buttons."""
    return press.action not in STATELESS and press.nonce != ctx.nonce


def stamp(turn: Turn) -> Turn:
    """Give the turn's buttons a fresh nonce and store it in the context."""
    if not any(r.choices for r in turn.replies):
        return turn
    nonce = secrets.token_hex(3)
    replies = tuple(_stamp_reply(r, nonce) for r in turn.replies)
    return replace(turn, replies=replies, context=replace(turn.context, nonce=nonce))


def _stamp_reply(reply: Reply, nonce: str) -> Reply:
    choices = tuple(Choice(c.label, nonce + c.payload) for c in reply.choices)
    if isinstance(reply, Text):
        return Text(reply.text, choices)
    return Card(reply.title, reply.body, choices, reply.url)
