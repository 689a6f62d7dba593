"""`run.py ask`: answer questions through the same handlers, without writing anything.

The i-Voting calendar is the running bot's: the periods stored in its database (imported with
`run.py ivoting import`), read once at start when that database exists; with none, no periods.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from bot.adapters.common import messages_only, reply_text
from bot.common.content import Content
from bot.common.settings import Settings
from bot.core.types import Context, Incoming
from bot.handlers.deps import Deps
from bot.handlers.features import route
from bot.ivoting.calendar import load_calendar
from bot.ivoting.readers import FixedCalendar, IVotingReader, NoIVoting
from bot.nlp.diskcache import load_understander


def run_ask(settings: Settings, questions: list[str], *, as_json: bool) -> int:
    """Answer each question (arguments, else stdin lines); print text or JSON lines."""
    deps = Deps(content=Content.load(settings.content_dir),
                nlp=load_understander(settings.content_dir, settings.nlp_cache_dir))
    source = questions or (line.rstrip("\n") for line in sys.stdin)
    url = settings.database_url
    # a fresh checkout has no database yet: no calendar, and no file created by asking
    stored = not url.startswith("sqlite") or Path(url.partition("://")[2]).exists()
    replaces = load_calendar(settings.content_dir / "ivoting.yaml", ()).replaces_faq
    asyncio.run(_run(url if stored else "", replaces, deps, source, as_json))
    return 0


async def _run(url: str, replaces: tuple[str, ...], deps: Deps, source: Iterable[str],
               as_json: bool) -> None:
    calendar = await stored_calendar(url, replaces) if url else NoIVoting()
    await _answer_all(replace(deps, ivoting=calendar), source, as_json)


async def stored_calendar(url: str, replaces: tuple[str, ...]) -> IVotingReader:
    """The running bot's calendar, read once from its database; none when it cannot be read
    (the reason goes to stderr)."""
    from bot.storage.db import close_db, open_db
    from bot.storage.ivoting import periods
    try:
        await open_db(url)
        try:
            return FixedCalendar(await periods(), replaces)
        finally:
            await close_db()
    except Exception as exc:  # any database trouble: answer without a calendar
        print(f"ask: no i-Voting calendar ({type(exc).__name__})", file=sys.stderr)
        return NoIVoting()


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
