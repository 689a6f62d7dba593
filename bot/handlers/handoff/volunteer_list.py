"""/tickets: the open tickets with their age and who has them (in the volunteers' group, or
for a volunteer anywhere)."""

from __future__ import annotations

from dataclasses import replace

from bot.core.types import Context, Incoming, Text, Turn
from bot.handlers.deps import Deps
from bot.tickets.render import age

LIMIT = 30
QUESTION_CHARS = 30


async def list_open(msg: Incoming, ctx: Context, deps: Deps, lang: str) -> Turn:
    """The open tickets, oldest first: only for registered volunteers (a group member who is
    not one reads nothing of the residents' questions)."""
    t = deps.content.t
    if await deps.tickets.volunteer(msg.platform, msg.user_id) is None:
        return _reply(ctx, t("volunteer.list.not_here"))
    found = await deps.tickets.open_tickets(LIMIT)
    if not found:
        return _reply(ctx, t("volunteer.list.empty"))
    now = deps.clock()
    lines = [t("volunteer.list.title", count=len(found))]
    for ticket in found:
        who = ticket.claimed_name or t("volunteer.list.unclaimed")
        lines.append(t("volunteer.list.line", ref=ticket.ref, age=age(deps.content,
                                                                      ticket.created_at, now),
                       who=who, question=" ".join(ticket.question.split())[:QUESTION_CHARS]))
    return _reply(ctx, "\n".join(lines))


def _reply(ctx: Context, text: str) -> Turn:
    return Turn(replace(ctx), (Text(text),), meta={"intent": "tickets"})
