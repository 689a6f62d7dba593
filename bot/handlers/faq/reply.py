"""An answer's reply, built in one place from its parts (the FAQ, seed sentences and process
steps all answer through it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.core.types import Card, Choice, Context, Reply, Text, Turn
from bot.nlp.kb import FaqEntry

ANSWER = "faq"  # the button that answers the entry it names (declared by the FAQ feature)


def compose(body: str, source: str, buttons: Sequence[Choice], ctx: Context,
            answer_id: str, title: str = "") -> Turn:
    """The one place an answer's reply is built from its parts: a card (LINE: a Flex bubble)
    titled with the question, the answer, its source line and the buttons; text when untitled.
    ctx.data["answered"] says which answer a later 👎 may attach the asked question to."""
    reply: Reply = (Card(title, body.strip(), tuple(buttons), footer=source) if title
                    else Text(f"{body}\n{source}".strip(), tuple(buttons)))
    meta = {"intent": "faq", "faq_id": answer_id}
    ctx = replace(ctx, data={**ctx.data, "answered": answer_id})
    return Turn(ctx, (reply,), meta=meta)


def question_label(entry: FaqEntry, lang: str) -> str:
    """The entry's first phrasing, in English when asked in English and it has one."""
    if lang == "en" and entry.questions_en:
        return entry.questions_en[0]
    return entry.questions[0]
