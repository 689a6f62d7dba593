"""`run.py faq-report`: what residents asked that the bot could not answer, and feedback."""

from __future__ import annotations

from collections import Counter

from bot.common.settings import Settings
from bot.nlp.clusters import cluster, settle
from bot.storage.db import close_db, open_db
from bot.storage.models import Feedback, Unanswered


async def run_report(settings: Settings, limit: int) -> int:
    """Print the most frequent unanswered questions (clustered) and feedback per entry."""
    await open_db(settings.database_url, migrate_first=settings.database_url.startswith("sqlite"))
    try:
        rows = await Unanswered.all().values_list("text", "reason")
        feedback = await Feedback.all().values_list("faq_id", "helpful")
    finally:
        await close_db()
    for line in format_report(rows, feedback, limit):
        print(line)
    return 0


def format_report(rows: list[tuple[str, str]], feedback: list[tuple[str, bool]],
                  limit: int) -> list[str]:
    """Report lines: clusters of similar questions, most frequent first; feedback counts.

    A question offered suggestions (reason `suggested`) whose suggestion the resident then
    picked (a `picked` row with the same text) counts as answered, not as unanswered.
    """
    open_rows, picked = settle(rows)
    clusters = cluster([text for text, _ in open_rows])
    lines = [f"Unanswered or unhelpful questions: {len(open_rows)} in {len(clusters)} clusters",
             f"Answered through a suggestion: {picked}"]
    for size, example, variants in clusters[:limit]:
        more = f"  (also: {' / '.join(variants[:3])})" if variants else ""
        lines.append(f"{size:4d}  {example}{more}")
    counts: Counter[tuple[str, bool]] = Counter(feedback)
    ids = sorted({faq_id for faq_id, _ in feedback})
    lines.append(f"Feedback on {len(ids)} entries (👍 / 👎):")
    lines += [f"  {i}: {counts[(i, True)]} / {counts[(i, False)]}" for i in ids]
    return lines
