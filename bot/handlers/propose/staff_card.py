"""How a proposal reads for the district office (the staff card) and for its resident (notices).

Pure functions: the staff_notice job pushes the card, the staff handlers reply with it.
"""

from __future__ import annotations

from datetime import datetime

from bot.common.times import shown
from bot.core.buttons import choice
from bot.core.types import Card, Choice, Text
from bot.handlers.deps import Deps
from bot.handlers.propose.review import MINE, print_url
from bot.handlers.propose.show import status_name, summary
from bot.proposals.dates import local_date
from bot.proposals.view import ProposalView

STATUS_ACTION = "propose.status"  # staff: `|propose.status|{ref}:{status}`, any staff may press


def status_payload_arg(ref: str, status: str) -> str:
    """The arg of a staff status button."""
    return f"{ref}:{status}"


def staff_buttons(deps: Deps, p: ProposalView, lang: str) -> tuple[Choice, ...]:
    """One button per status staff may move the proposal to from where it is."""
    ref = p.ref or ""
    return tuple(choice(deps.content.t(f"staff.button.{s}", lang), STATUS_ACTION,
                        status_payload_arg(ref, s))
                 for s in deps.spec.statuses.get(p.status, ()))


def staff_card(deps: Deps, p: ProposalView, lang: str = "zh-TW", *, actor: str = "",
               at: datetime | None = None, resubmitted: int = 0) -> Card:
    """The proposal as the office sees it: fields, contact (only if given), status (with who
    changed it and when), buttons; a resubmission after 需補件 is marked."""
    t = deps.content.t
    # Contact details only when the resident gave them (and has not deleted them since).
    answers = {**p.answers, "contact": bool(p.contact), **(p.contact or {})}
    lines = [summary(deps, answers, lang), ""]
    if p.submitted_at is not None:
        lines.append(t("staff.card.submitted", lang, date=local_date(p.submitted_at)))
    lines.append(t("staff.card.status", lang, status=status_name(deps, p.status, lang)))
    if actor:
        lines.append(t("staff.card.by", lang, actor=actor, when=shown(at, lang)))
    if p.note:
        lines.append(t("staff.card.note", lang, note=p.note))
    if p.user_id is None:
        lines.append(t("staff.card.no_resident", lang))
    buttons = staff_buttons(deps, p, lang)
    if not buttons:
        lines.append(t("staff.card.final", lang))
    lines.append(t("staff.card.link", lang))
    title = t("staff.card.title", lang, district=p.district, ref=p.ref or "-")
    if resubmitted:
        title = t("staff.card.resubmitted", lang, title=title, n=resubmitted)
    return Card(title, "\n".join(lines), buttons, print_url(deps, p.token))


def resident_notice(deps: Deps, p: ProposalView, status: str, note: str,
                    lang: str = "zh-TW") -> Text:
    """What the resident is told when their proposal moves to status, with what comes next."""
    t = deps.content.t
    text = t(f"status.{status}.resident", lang, title=p.title or t("propose.untitled", lang),
             ref=p.ref or "-", district=p.district, note=note)
    return Text(text, (choice(t("menu.myprops", lang), MINE),))

