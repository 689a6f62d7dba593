"""Replies to and from plain JSON-able dicts (kept in the inbox and in jobs until delivered)."""

from __future__ import annotations

from typing import Any

from bot.core.types import Card, Carousel, Choice, Reply, Text, Waiting


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    """A reply as a JSON-able dict."""
    if isinstance(reply, Waiting):
        return {"type": "waiting", "seconds": reply.seconds}
    choices = _choices_out(reply.choices)
    if isinstance(reply, Carousel):
        return {"type": "carousel", "text": reply.text, "choices": choices,
                "cards": [reply_to_dict(c) for c in reply.cards]}
    if isinstance(reply, Card):
        return {"type": "card", "title": reply.title, "body": reply.body, "url": reply.url,
                "choices": choices, "fields": [list(f) for f in reply.fields],
                "footer": reply.footer, "url_label": reply.url_label, "edit": reply.edit}
    return {"type": "text", "text": reply.text, "choices": choices}


def reply_from_dict(data: dict[str, Any]) -> Reply:
    """The reply a dict from reply_to_dict describes."""
    if data.get("type") == "waiting":
        return Waiting(int(data.get("seconds", 20)))
    choices = tuple(Choice(label, payload) for label, payload in data.get("choices", []))
    if data.get("type") == "carousel":
        cards = tuple(_card(c) for c in data.get("cards", []))
        return Carousel(cards, data.get("text", ""), choices)
    if data.get("type") == "card":
        return _card(data)
    return Text(data["text"], choices)


def _card(data: dict[str, Any]) -> Card:
    return Card(data["title"], data["body"],
                tuple(Choice(label, payload) for label, payload in data.get("choices", [])),
                data.get("url", ""), tuple((str(a), str(b)) for a, b in data.get("fields", [])),
                data.get("footer", ""), data.get("url_label", ""), data.get("edit", ""))


def _choices_out(choices: tuple[Choice, ...]) -> list[list[str]]:
    return [[c.label, c.payload] for c in choices]
