"""Similar proposals: shared keywords of title, problem and solution, same district first."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.proposals.spec import PastProposal
from bot.proposals.view import ProposalView

Keywords = Callable[[str], frozenset[str]]
TEXT_FIELDS = ("title", "place", "problem", "solution")


@dataclass(frozen=True)
class Similar:
    """A proposal like the draft: submitted through the bot (status) or past (year)."""

    title: str
    district: str
    score: float
    status: str = ""
    year: int = 0
    ref: str = ""
    mine: bool = False     # the resident's own earlier proposal (said so, never as another's)


def text_of(answers: Mapping[str, Any]) -> str:
    """The text a proposal is compared by."""
    return "\n".join(str(answers.get(f) or "") for f in TEXT_FIELDS)


def alike(a: frozenset[str], b: frozenset[str]) -> float:
    """Cosine similarity of two keyword sets (0..1)."""
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def rank(answers: Mapping[str, Any], submitted: Sequence[ProposalView],
         past: Iterable[PastProposal], keywords: Keywords,
         settings: Mapping[str, float], owner: tuple[str, str] | None = None) -> list[Similar]:
    """The most similar proposals, best first, at most settings['limit'] of them; owner
    (platform, user_id) marks the resident's own proposals as `mine`."""
    mine, district = keywords(text_of(answers)), str(answers.get("district", ""))
    bonus = settings.get("district_bonus", 0.0)
    found: list[Similar] = []
    for p in submitted:
        score = alike(mine, keywords(text_of(p.answers)))
        if score > 0:
            score += bonus if p.district == district else 0.0
            own = owner is not None and (p.platform, p.user_id) == owner
            found.append(Similar(p.title, p.district, score, status=p.status, ref=p.ref or "",
                                 mine=own))
    for old in past:
        score = alike(mine, keywords(f"{old.title}\n{old.summary}"))
        if score > 0:
            score += bonus if old.district == district else 0.0
            found.append(Similar(old.title, old.district, score, year=old.year))
    kept = [s for s in found if s.score >= settings.get("min_score", 0.2)]
    kept.sort(key=lambda s: -s.score)
    return kept[: int(settings.get("limit", 3))]
