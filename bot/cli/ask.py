"""`run.py ask`: answer questions without a database, through the same handlers."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterable

from bot.adapters.common import messages_only, reply_text
from bot.common.content import Content
from bot.common.settings import Settings
from bot.core.types import Context, Incoming
from bot.handlers.deps import Deps
from bot.handlers.features import route
from bot.nlp.understander import Understander


def run_ask(settings: Settings, questions: list[str], *, as_json: bool) -> int:
    """Answer each question (arguments, else stdin lines); print text or JSON lines."""
    deps = Deps(content=Content.load(settings.content_dir),
                nlp=Understander.from_content(settings.content_dir))
    source = questions or (line.rstrip("\n") for line in sys.stdin)
    asyncio.run(_answer_all(deps, source, as_json))
    return 0


async def _answer_all(deps: Deps, questions: Iterable[str], as_json: bool) -> None:
    for question in questions:
        result = await answer(deps, question)
        if as_json:
            print(json.dumps(result, ensure_ascii=False), flush=True)
        else:
            print(result["answer"], end="\n\n", flush=True)


async def answer(deps: Deps, question: str) -> dict[str, object]:
    """One question through the router, as the `ask --json` contract's object (plus the
    intent's action; faq_id is an entry id, or seed:DOC:N for a quoted seed sentence)."""
    msg = Incoming(platform="local", chat_id="ask", user_id="ask", text=question)
    turn = await route(msg, Context(), deps)
    return {
        "answer": "\n".join(reply_text(r) for r in messages_only(list(turn.replies))),
        "intent": turn.meta.get("intent", "unknown"),
        "action": turn.meta.get("action"),
        "faq_id": turn.meta.get("faq_id"),
        "score": round(float(turn.meta.get("score", 0.0)), 4),
        "suggestions": turn.meta.get("suggestions", []),
    }
