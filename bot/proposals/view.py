"""A read-only view of a stored proposal, as handlers and pages see it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

CONTACT_FIELDS = ("contact_name", "contact_phone")
EDITABLE = ("draft", "needs_more")  # a resident may change a proposal in these statuses
ALL_DISTRICTS = "*"  # a staff role for every district


@dataclass(frozen=True)
class ProposalView:
    """One proposal: identity, owner, status and the 構想書 answers."""

    id: int
    token: str
    ref: str | None
    platform: str
    user_id: str | None
    status: str
    district: str
    title: str
    answers: dict[str, Any] = field(default_factory=dict)
    contact: dict[str, str] | None = None
    note: str = ""
    locale: str = "zh-TW"
    updated_at: datetime | None = None
    submitted_at: datetime | None = None
    # For records: who made the last change and when, and how often it came back after 需補件.
    last_actor: str = ""
    last_at: datetime | None = None
    resubmissions: int = 0

    def everything(self) -> dict[str, Any]:
        """The answers with the contact details (as the wizard keeps them)."""
        return {**self.answers, **(self.contact or {})}


def split_contact(answers: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str] | None]:
    """Answers without the contact details, and the details (None when none were given)."""
    rest = {k: v for k, v in answers.items() if k not in CONTACT_FIELDS}
    contact = {k: str(answers[k]) for k in CONTACT_FIELDS if answers.get(k)}
    return rest, (contact or None)
