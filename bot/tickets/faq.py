"""A suggestion accepted by staff becomes an FAQ entry in content/faq/volunteers.yaml.

The entry has the documented fields only (docs/design.md): id, topic, questions (the
resident's question plus phrasings from content, or the staff's own), answer (at most 400
characters; the rest goes to `more`), source, tags. It is written only when `check-content`
finds no new problem with it; otherwise the file is left as it was and the problems are
returned.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bot.common.content import Content
from bot.nlp.checks import ANSWER_MAX, MIN_QUESTIONS

FILE, TOPIC = "volunteers.yaml", "volunteers"
PHRASINGS = ("volunteer.faq.phrasing.1", "volunteer.faq.phrasing.2", "volunteer.faq.phrasing.3")
HEADER = ("# Answers from volunteers, accepted by staff (`run.py faq-suggestions accept`).\n"
          "# Written by the bot; edit freely, `run.py check-content` checks it.\n")


def build_entry(content: Content, *, entry_id: str, ref: str, question: str, answer: str,
                questions: list[str], year: int) -> dict[str, Any]:
    """The entry as a YAML-ready mapping."""
    asked = " ".join(question.split()).rstrip("？?")
    phrasings = [asked, *questions]
    for key in PHRASINGS:  # enough phrasings for retrieval and for the content check
        if len(phrasings) >= MIN_QUESTIONS:
            break
        phrasings.append(content.t(key, question=asked))
    short, more = split_answer(answer.strip())
    entry: dict[str, Any] = {
        "id": entry_id, "topic": TOPIC, "questions": _unique(phrasings), "answer": short}
    if more:
        entry["more"] = more
    entry["source"] = {"doc": content.t("volunteer.faq.source"), "section": f"#{ref}",
                       "year": year}
    entry["tags"] = [content.t("volunteer.faq.tag")]
    return entry


def split_answer(text: str, limit: int = ANSWER_MAX) -> tuple[str, str]:
    """The answer within limit characters, cut after a sentence where possible; the rest."""
    if len(text) <= limit:
        return text, ""
    cut = max(text.rfind(mark, 0, limit) for mark in "。！？\n")
    cut = cut + 1 if cut > limit // 2 else limit
    return text[:cut].strip(), text[cut:].strip()


def write_checked(content_dir: Path, entry: dict[str, Any],
                  problems: Callable[[], list[str]]) -> list[str]:
    """Append entry to content/faq/volunteers.yaml; undo and return the new problems when
    the content check finds any."""
    path = content_dir / "faq" / FILE
    before_text = path.read_text(encoding="utf-8") if path.exists() else None
    before = set(problems())
    block = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=100)
    path.write_text((before_text or HEADER) + "\n" + block, encoding="utf-8")
    new = [p for p in problems() if p not in before]
    if new:
        if before_text is None:
            path.unlink()
        else:
            path.write_text(before_text, encoding="utf-8")
    return new


def entry_id_for(ref: str) -> str:
    """The default id of a ticket's entry (kebab-case, unique per ticket)."""
    return f"vol-{ref.lower()}"


def _unique(items: list[str]) -> list[str]:
    seen: list[str] = []
    for item in (i.strip() for i in items):
        if item and item not in seen:
            seen.append(item)
    return seen
