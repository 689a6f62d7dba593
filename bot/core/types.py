"""Platform-neutral message types shared by adapters, dispatcher and handlers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["text", "postback", "follow", "unfollow"]


@dataclass(frozen=True)
class Incoming:
    """One thing a user did: typed text, pressed a button, followed or unfollowed."""

    platform: str
    chat_id: str
    user_id: str
    kind: Kind = "text"
    text: str = ""
    payload: str = ""
    locale: str = "zh-TW"
    is_group: bool = False
    event_key: str = ""
    message_id: str = ""  # the platform's id of this message, where it has one
    thread_id: str = ""  # the forum topic it was written in (Telegram), else ""
    reply_to: str = ""  # the id of the message it answers (a Telegram reply), else ""
    # False for a group message the bot sees without being addressed (a message in a forum
    # topic: the router only relays those that belong to a volunteers' ticket).
    addressed: bool = True
    name: str = ""  # the sender's display name where the platform gives it (Telegram), else ""
    attachment: str = ""  # non-text content it carries: "photo", "sticker", ... (text = caption)
    # A handle to answer this event later for free (LINE's reply token) and until when it is
    # valid (epoch seconds); "" and 0 where the platform has none.
    reply_token: str = ""
    reply_until: float = 0.0

    @property
    def key(self) -> tuple[str, str, str]:
        """The conversation key (platform, chat, user)."""
        return (self.platform, self.chat_id, self.user_id)


@dataclass(frozen=True)
class Choice:
    """A button: a short label and the payload sent back when pressed."""

    label: str
    payload: str


@dataclass(frozen=True)
class Text:
    """A text message, optionally with buttons (quick replies / inline keyboard)."""

    text: str
    choices: tuple[Choice, ...] = ()


@dataclass(frozen=True)
class Card:
    """A titled card: label/value rows, a body, a small footer line, buttons and a link.

    LINE shows it as a Flex bubble; Telegram and the local chat as text with buttons.
    """

    title: str
    body: str
    choices: tuple[Choice, ...] = ()
    url: str = ""
    fields: tuple[tuple[str, str], ...] = ()  # (label, value) rows, e.g. ("日期", "12/6（六）")
    footer: str = ""  # a small line under the body, e.g. the source of an answer
    url_label: str = ""  # the link button's label (LINE); the bare link elsewhere
    # Edit a card already in the chat instead of sending a new one (Telegram; elsewhere it is
    # sent): "pressed" for the message whose button was pressed, else that message's id.
    edit: str = ""


@dataclass(frozen=True)
class Carousel:
    """Several cards to pick from (LINE: a Flex carousel; elsewhere a numbered list).

    `text` introduces the list (and is LINE's altText); `choices` are follow-up buttons
    shown after the cards (LINE quick replies), besides each card's own buttons.
    """

    cards: tuple[Card, ...]
    text: str = ""
    choices: tuple[Choice, ...] = ()


@dataclass(frozen=True)
class Waiting:
    """Not a message: "someone is on it" for up to `seconds` (LINE's loading animation in 1:1
    chats, Telegram's typing action; nothing elsewhere). Carries no buttons."""

    seconds: int = 20
    choices: tuple[Choice, ...] = ()  # always empty; there so every reply has choices


Reply = Text | Card | Carousel | Waiting


def buttons_of(reply: Reply) -> tuple[Choice, ...]:
    """Every button a reply carries: a carousel's cards' buttons first, then its own."""
    if isinstance(reply, Carousel):
        return (*(c for card in reply.cards for c in card.choices), *reply.choices)
    return reply.choices


@dataclass(frozen=True)
class Effect:
    """Something the dispatcher must record after the turn (handlers never save)."""

    name: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    """A conversation's stored state: flow state, flow data and the button nonce."""

    state: str = "idle"
    data: dict[str, Any] = field(default_factory=dict)
    nonce: str = ""
    version: int = 0
    locale: str = "zh-TW"


@dataclass(frozen=True)
class Turn:
    """What a handler returns: the new context, the replies and the effects."""

    context: Context
    replies: tuple[Reply, ...] = ()
    effects: tuple[Effect, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)  # intent, faq_id, score: for logs/ask
