"""Proposals: drafts saved after every step, submission, status changes, export, forgetting."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from bot.proposals.view import EDITABLE, ProposalView, split_contact
from bot.storage.models import Proposal, ProposalEvent


def view(row: Proposal) -> ProposalView:
    """The read-only view of a row."""
    return ProposalView(
        id=row.id, token=row.token, ref=row.ref, platform=row.platform, user_id=row.user_id,
        status=row.status, district=row.district, title=row.title, answers=dict(row.answers),
        contact=dict(row.contact) if row.contact else None, note=row.note, locale=row.locale,
        updated_at=row.updated_at, submitted_at=row.submitted_at)


def _columns(answers: dict[str, Any]) -> dict[str, Any]:
    rest, contact = split_contact(answers)
    return {"answers": rest, "contact": contact, "title": str(rest.get("title", ""))[:80],
            "district": str(rest.get("district", ""))[:8]}


async def save_draft(platform: str, user_id: str, token: str, answers: dict[str, Any],
                     locale: str = "zh-TW") -> None:
    """Create or update the user's editable proposal with this token (others are left alone)."""
    values = {**_columns(answers), "locale": locale[:8]}
    updated = await Proposal.filter(token=token, platform=platform, user_id=user_id,
                                    status__in=EDITABLE).update(**values)
    if updated or await Proposal.exists(token=token):
        return
    try:
        await Proposal.create(token=token, platform=platform, user_id=user_id, **values)
    except IntegrityError:  # the same draft created by a racing turn: that save stands
        return


async def submit(platform: str, user_id: str, token: str, ref: str,
                 answers: dict[str, Any], locale: str = "zh-TW") -> ProposalView | None:
    """Submit an editable proposal (keeping its first reference number); None if not editable."""
    row = await Proposal.get_or_none(token=token, platform=platform, user_id=user_id,
                                     status__in=EDITABLE)
    if row is None:
        await save_draft(platform, user_id, token, answers, locale)
        row = await Proposal.get_or_none(token=token, platform=platform, user_id=user_id,
                                         status="draft")
        if row is None:
            return None
    for name, value in _columns(answers).items():
        setattr(row, name, value)
    row.ref, row.locale = row.ref or ref, locale[:8]
    row.status, row.note, row.submitted_at = "submitted", "", datetime.now(UTC)
    await row.save()
    await ProposalEvent.create(proposal=row, status="submitted", actor="resident")
    return view(row)


async def set_status(ref: str, old: str, new: str, note: str, actor: str) -> bool:
    """Move a proposal from old to new status; False when it was no longer in old."""
    row = await Proposal.get_or_none(ref=ref)
    if row is None:
        return False
    updated = await Proposal.filter(id=row.id, status=old).update(status=new, note=note[:500])
    if updated:
        await ProposalEvent.create(proposal=row, status=new, note=note[:500], actor=actor[:80])
    return bool(updated)


async def by_token(token: str) -> ProposalView | None:
    """The proposal with this token, if any."""
    row = await Proposal.get_or_none(token=token)
    return view(row) if row else None


async def by_ref(ref: str) -> ProposalView | None:
    """The proposal with this reference number, if any."""
    row = await Proposal.get_or_none(ref=ref)
    return view(row) if row else None


async def of_user(platform: str, user_id: str, limit: int = 20) -> list[ProposalView]:
    """A user's proposals, drafts included, most recently changed first."""
    rows = await Proposal.filter(platform=platform, user_id=user_id) \
        .order_by("-updated_at", "-id").limit(limit)
    return [view(r) for r in rows]


async def candidates(district: str, exclude_token: str, limit: int) -> list[ProposalView]:
    """Submitted proposals to compare a draft with: its district's first, then the newest."""
    base = Proposal.filter(submitted_at__isnull=False).exclude(token=exclude_token)
    same = await base.filter(district=district).order_by("-submitted_at").limit(limit)
    rest = await base.exclude(district=district).order_by("-submitted_at") \
        .limit(max(0, limit - len(same)))
    return [view(r) for r in [*same, *rest]]


async def for_export(district: str | None, status: str | None) -> list[ProposalView]:
    """Submitted proposals (any status after draft) for office records, oldest first."""
    query = Proposal.filter(submitted_at__isnull=False)
    if district:
        query = query.filter(district=district)
    if status:
        query = query.filter(status=status)
    rows = [view(r) for r in await query.order_by("submitted_at", "id")]
    return await _with_history(rows)


async def _with_history(views: list[ProposalView]) -> list[ProposalView]:
    """Each proposal with its last change's actor and time and its resubmissions (one query)."""
    events = await ProposalEvent.filter(proposal_id__in=[v.id for v in views]).order_by("id")
    last: dict[int, ProposalEvent] = {}
    again: dict[int, int] = {}
    before: dict[int, str] = {}
    for e in events:
        pid = e.proposal_id  # type: ignore[attr-defined]
        if e.status == "submitted" and before.get(pid) == "needs_more":
            again[pid] = again.get(pid, 0) + 1
        before[pid] = e.status
        last[pid] = e
    return [replace(v, last_actor=last[v.id].actor, last_at=last[v.id].created_at,
                    resubmissions=again.get(v.id, 0)) if v.id in last else v for v in views]


async def card_of(proposal_id: int) -> tuple[str, str] | None:
    """(chat, message id) of the office's latest card of the proposal, if one was sent."""
    row = await Proposal.get_or_none(id=proposal_id)
    if row is None or not row.card_chat or not row.card_id:
        return None
    return row.card_chat, row.card_id


async def set_card(proposal_id: int, chat: str, message_id: str) -> None:
    """Remember the office's latest card of the proposal."""
    await Proposal.filter(id=proposal_id).update(card_chat=chat[:64], card_id=message_id[:32])


async def resubmissions(proposal_id: int) -> int:
    """How often the proposal was submitted again after 需補件."""
    [found] = await _with_history([ProposalView(id=proposal_id, token="", ref=None,
                                                platform="", user_id=None, status="",
                                                district="", title="")])
    return found.resubmissions


async def history(proposal_id: int) -> list[ProposalEvent]:
    """A proposal's events, oldest first."""
    return await ProposalEvent.filter(proposal_id=proposal_id).order_by("id")


async def count_of_user(platform: str, user_id: str) -> dict[str, int]:
    """How many drafts and submitted proposals a user has, and how many keep contact data."""
    mine = Proposal.filter(platform=platform, user_id=user_id)
    return {"drafts": await mine.filter(status="draft").count(),
            "submitted": await mine.exclude(status="draft").count(),
            "contact": await mine.filter(contact__not_isnull=True).count()}


async def forget_user(platform: str, user_id: str) -> None:
    """Delete a user's drafts; keep submitted proposals for the office, unlinked and without
    contact details, so nothing identifies the user any more."""
    await Proposal.filter(platform=platform, user_id=user_id, status="draft").delete()
    await Proposal.filter(platform=platform, user_id=user_id).update(user_id=None, contact=None)
