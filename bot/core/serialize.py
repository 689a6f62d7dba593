"""Replies to and from plain JSON-able dicts (kept in the inbox until delivered)."""

from __future__ import annotations

from typing import Any

from bot.core.types import Card, Choice, Reply, Text


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    """A reply as a JSON-able dict."""
    choices = [[c.label, c.payload] for c in reply.choices]
    if isinstance(reply, Card):
        return {"type": "card", "title": reply.title, "body": reply.body, "url": reply.url,
                "choices": choices}
    return {"type": "text", "text": reply.text, "choices": choices}


def reply_from_dict(data: dict[str, Any]) -> Reply:
    """The reply a dict from reply_to_dict describes."""
    choices = tuple(Choice(label, payload) for label, payload in data.get("choices", []))
    if data.get("type") == "card":
        return Card(data["title"], data["body"], choices, data.get("url", ""))
    return Text(data["text"], choices)
