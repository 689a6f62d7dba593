"""Follow-ups: 「那這個要錢嗎」 after an answer about walks, 「那第二階段呢」 after the stages.
A short message that points back (那…, 這個…, …呢) is read together with the conversation's
last topic: the answer it got last (ctx.data["answered"], stored with the conversation)."""

from __future__ import annotations

import re

from bot.core.types import Context
from bot.handlers.deps import Deps
from bot.nlp.understander import Understanding

MAX_FOLLOW_UP = 16   # characters: longer messages say enough on their own
_POINTS_BACK = re.compile(
    r"^(那|那麼|那么|那這個|那这个|這個|这个|它|那它|還有|还有|and |what about|how about)"
    r"|呢[?？]*$",
    re.IGNORECASE)


def resolve(text: str, u: Understanding, ctx: Context, deps: Deps) -> Understanding:
    """The understanding of a follow-up read with the last topic, when it points back and the
    two together are understood with confidence; otherwise u unchanged."""
    stripped = text.strip()
    if len(stripped) > MAX_FOLLOW_UP or not _POINTS_BACK.search(stripped):
        return u
    if u.intent not in ("faq", "unknown"):
        return u
    topic = last_topic(ctx, deps)
    if not topic:
        return u
    combined = deps.nlp.understand(f"{topic} {stripped}")
    if combined.intent == "faq" and combined.confidence == "high" and combined.beyond is None:
        return combined
    return u


def last_topic(ctx: Context, deps: Deps) -> str:
    """The words of the last answer's topic: an entry's first phrasing, or a process and the
    step an answer was about; '' when the conversation has none."""
    answered = str(ctx.data.get("answered") or "")
    if answered.startswith("step:"):
        _, process_id, step_id, _ = [*answered.split(":"), "", "", ""][:4]
        process = deps.nlp.steps.processes.get(process_id)
        if process is None:
            return ""
        names = [s.names[0] for s in process.steps if s.id == step_id]
        return " ".join([process.fields.get("name", ""), *names])
    try:
        return deps.nlp.entry(answered).questions[0] if answered else ""
    except KeyError:
        return ""
