"""Replies as LINE message objects (plain JSON dicts, checked against the OpenAPI spec in tests).

Text becomes a text message whose buttons are quick replies; a Card a Flex bubble (title,
label/value rows, body, footer line, up to four buttons and a link button); a Carousel a Flex
carousel (at most 12 bubbles a message). Buttons that do not fit become quick replies.
"""

from __future__ import annotations

import json
from typing import Any

from bot.adapters.common import numbered, reply_text, short_label, split_text
from bot.core.types import Card, Carousel, Choice, Reply, Waiting

Message = dict[str, Any]
MAX_TEXT, MAX_MESSAGES, MAX_QUICK, MAX_LABEL = 5000, 5, 13, 20
MAX_ALT, MAX_BUBBLES, MAX_CARD_BUTTONS = 1500, 12, 4
MAX_BUBBLE_BYTES = 25_000  # LINE refuses a bubble over 30 KB: leave room, else send text
# Colours on the white bubble (and white on PRIMARY) all read at 4.5:1 or more (WCAG AA).
INK, MUTED = "#1f1f1f", "#595959"  # 16:1 and 7:1 on white
PRIMARY = "#087443"  # LINE's default green under white text is 2.3:1; this is 5.9:1
SEPARATOR = "#d9d9d9"  # a rule, not text


def render(replies: list[Reply]) -> list[Message]:
    """Replies as LINE messages, in order (Waiting is no message: see LineAdapter.deliver)."""
    messages: list[Message] = []
    for reply in replies:
        if isinstance(reply, Waiting):
            continue
        if isinstance(reply, Carousel):
            messages += _carousel(reply)
        elif isinstance(reply, Card) and _fits(bubble(reply)):
            messages.append(_flex(reply.title, bubble(reply), _overflow(reply.choices)))
        else:
            messages += _text(reply_text(reply), reply.choices)
    return messages


def batches(messages: list[Message]) -> list[list[Message]]:
    """Messages in groups of at most five (LINE's limit per request)."""
    return [messages[i:i + MAX_MESSAGES] for i in range(0, len(messages), MAX_MESSAGES)]


def _text(text: str, choices: tuple[Choice, ...]) -> list[Message]:
    choices = choices[:MAX_QUICK]
    chunks = split_text(numbered(text, choices, MAX_LABEL), MAX_TEXT)
    messages: list[Message] = [{"type": "text", "text": c} for c in chunks]
    if choices:
        messages[-1]["quickReply"] = quick_reply(choices)
    return messages


def quick_reply(choices: tuple[Choice, ...]) -> dict[str, Any]:
    """Buttons as LINE quick-reply items (postback, showing the label as the user's line)."""
    return {"items": [{"type": "action", "action": _postback(c)} for c in choices[:MAX_QUICK]]}


def _postback(c: Choice) -> dict[str, Any]:
    return {"type": "postback", "label": short_label(c.label, MAX_LABEL),
            "data": c.payload[:300], "displayText": short_label(c.label, 300)}


def bubble(card: Card) -> dict[str, Any]:
    """A card as a Flex bubble: a bold title over a rule, rows, the body at the default
    reading size, a muted footer line, buttons below."""
    body: list[dict[str, Any]] = [_line(card.title, weight="bold", size="lg", color=INK)]
    if card.fields or card.body:
        body.append({"type": "separator", "margin": "md", "color": SEPARATOR})
    body += [_field(label, value) for label, value in card.fields]
    if card.body:
        body.append(_line(card.body, size="md", color=INK, margin="md", lineSpacing="6px"))
    if card.footer:
        body.append(_line(card.footer, size="sm", color=MUTED, margin="lg"))
    result: dict[str, Any] = {"type": "bubble", "body": _box(body)}
    buttons = [_button(c, i == 0) for i, c in enumerate(card.choices[:MAX_CARD_BUTTONS])]
    if card.url and card.url_label:
        buttons.append({"type": "button", "style": "link", "height": "sm", "action": {
            "type": "uri", "label": short_label(card.url_label, MAX_LABEL), "uri": card.url}})
    elif card.url:
        body.append(_line(card.url, size="sm", color=MUTED, margin="md"))
    if buttons:
        result["footer"] = _box(buttons)
    return result


def _carousel(reply: Carousel) -> list[Message]:
    bubbles = [bubble(card) for card in reply.cards]
    alt = reply.text or (reply.cards[0].title if reply.cards else "")
    if not bubbles:
        return _text(reply.text or "-", reply.choices)
    groups = [bubbles[i:i + MAX_BUBBLES] for i in range(0, len(bubbles), MAX_BUBBLES)]
    messages = [_flex(alt, {"type": "carousel", "contents": g}, ()) for g in groups]
    if reply.choices:
        messages[-1]["quickReply"] = quick_reply(reply.choices)
    return messages


def _flex(alt: str, contents: dict[str, Any], quick: tuple[Choice, ...]) -> Message:
    message: Message = {"type": "flex", "altText": short_label(alt or "…", MAX_ALT),
                        "contents": contents}
    if quick:
        message["quickReply"] = quick_reply(quick)
    return message


def _overflow(choices: tuple[Choice, ...]) -> tuple[Choice, ...]:
    return choices[MAX_CARD_BUTTONS:]


def _fits(contents: dict[str, Any]) -> bool:
    return len(json.dumps(contents, ensure_ascii=False).encode()) <= MAX_BUBBLE_BYTES


def _box(contents: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "box", "layout": "vertical", "spacing": "sm", "contents": contents}


def _line(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "text", "text": text or " ", "wrap": True, **style}


def _field(label: str, value: str) -> dict[str, Any]:
    return {"type": "box", "layout": "baseline", "spacing": "sm", "contents": [
        {"type": "text", "text": label or " ", "size": "sm", "color": MUTED, "flex": 2,
         "wrap": True},
        {"type": "text", "text": value or " ", "size": "sm", "color": INK, "wrap": True,
         "flex": 5}]}


def _button(c: Choice, primary: bool) -> dict[str, Any]:
    style = {"style": "primary", "color": PRIMARY} if primary else {"style": "secondary"}
    return {"type": "button", **style, "height": "sm", "action": _postback(c)}
