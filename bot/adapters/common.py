"""Helpers every adapter shares: text splitting and plain rendering of replies."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.types import Card, Carousel, Choice, Reply, Waiting


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (how LINE counts)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, size: Callable[[str], int] = utf16_len) -> list[str]:
    """Split text into chunks of at most limit units (by size), preferring line breaks."""
    if size(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        if current and size(current) + size(line) > limit:
            chunks.append(current)
            current = ""
        while size(line) > limit:  # one over-long line: cut it hard
            head, line = _cut(line, limit, size)
            chunks.append(head)
        current += line
    if current:
        chunks.append(current)
    return [c.rstrip("\n") or c for c in chunks]


def _cut(text: str, room: int, size: Callable[[str], int]) -> tuple[str, str]:
    end = min(len(text), room)
    while end > 1 and size(text[:end]) > room:
        end -= 1
    return text[:end], text[end:]


def reply_text(reply: Reply) -> str:
    """A reply as plain text: a card's title line, rows, body, footer and link; a carousel's
    introduction and its cards numbered; "" for Waiting, which is no message."""
    if isinstance(reply, Waiting):
        return ""
    if isinstance(reply, Carousel):
        items = [f"{i}. {card_text(c, bracket=False)}" for i, c in enumerate(reply.cards, 1)]
        return "\n\n".join(p for p in (reply.text, *items) if p)
    if isinstance(reply, Card):
        return card_text(reply)
    return reply.text


def card_text(card: Card, bracket: bool = True) -> str:
    """A card as lines of text."""
    title = f"【{card.title}】" if bracket else card.title
    rows = [f"{label}：{value}" for label, value in card.fields]
    link = f"{card.url_label}：{card.url}" if card.url and card.url_label else card.url
    parts = [title, *rows, card.body, card.footer, link]
    return "\n".join(p for p in parts if p)


def flat_choices(reply: Reply) -> tuple[Choice, ...]:
    """Every button of a reply in one row; a carousel's are numbered like its cards."""
    if not isinstance(reply, Carousel):
        return reply.choices
    many = len(reply.cards) > 1
    cards = tuple(Choice(f"{i}. {c.label}" if many else c.label, c.payload)
                  for i, card in enumerate(reply.cards, 1) for c in card.choices)
    return (*cards, *reply.choices)


def short_label(label: str, limit: int) -> str:
    """A button label cut to limit characters with an ellipsis."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


def numbered(text: str, choices: tuple[Choice, ...], limit: int) -> str:
    """Append the full labels as a numbered list when some are too long for buttons."""
    if all(len(c.label) <= limit for c in choices):
        return text
    lines = [f"{i}. {c.label}" for i, c in enumerate(choices, 1)]
    return text + "\n" + "\n".join(lines)


def messages_only(replies: list[Reply]) -> list[Reply]:
    """The replies that are messages (Waiting is a chat action, not a message)."""
    return [r for r in replies if not isinstance(r, Waiting)]


def waiting_seconds(replies: list[Reply]) -> int:
    """The longest wait any Waiting among replies asks for (0: none)."""
    return max((r.seconds for r in replies if isinstance(r, Waiting)), default=0)
