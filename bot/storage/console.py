"""The staff console's sign-in links, sessions and audit trail.

Only SHA-256 digests of link and cookie tokens are stored: a copy of the database opens
nobody's session. A link is used by one conditional update, so two clicks sign in once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.types import Incoming
from bot.storage.models import (
    AuditEntry,
    ConsoleLink,
    ConsoleSession,
    StaffRole,
    VolunteerRole,
)

LINK_LIFE = timedelta(minutes=10)
SESSION_LIFE = timedelta(hours=12)


def digest(token: str) -> str:
    """The stored form of a link or cookie token."""
    return hashlib.sha256(token.encode()).hexdigest()


def utcnow() -> datetime:
    """Now, aware (UTC)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Roles:
    """What a person may see: districts ('*': all) and whether they answer tickets."""

    districts: frozenset[str]
    volunteer: bool

    @property
    def any(self) -> bool:
        """True when the person has any role at all."""
        return bool(self.districts) or self.volunteer


async def roles_of(platform: str, user_id: str) -> Roles:
    """The person's staff districts and volunteer role, read now."""
    rows = await StaffRole.filter(platform=platform, user_id=user_id).values_list(
        "district", flat=True)
    volunteer = await VolunteerRole.filter(platform=platform, user_id=user_id).exists()
    return Roles(frozenset(str(d) for d in rows), volunteer)


async def _sweep(now: datetime) -> None:
    """Forget links and sessions that ended over a day ago (they can never open anything)."""
    old = now - timedelta(days=1)
    await ConsoleLink.filter(expires_at__lt=old).delete()
    await ConsoleSession.filter(expires_at__lt=old).delete()


async def save_link(platform: str, user_id: str, token_hash: str,
                    now: datetime | None = None) -> None:
    """Store a link's digest, valid for LINK_LIFE (and sweep away long-dead rows)."""
    await _sweep(utcnow())
    await ConsoleLink.create(token_hash=token_hash, platform=platform, user_id=user_id,
                             expires_at=(now or utcnow()) + LINK_LIFE)


async def new_link(platform: str, user_id: str, now: datetime | None = None) -> str:
    """A fresh one-time token for this person (its digest stored)."""
    token = secrets.token_urlsafe(32)
    await save_link(platform, user_id, digest(token), now)
    return token


async def link_problem(token: str) -> str | None:
    """Why this link cannot sign in ("unknown", "used", "expired"), without using it."""
    row = await ConsoleLink.get_or_none(token_hash=digest(token))
    if row is None:
        return "unknown"
    if row.used_at is not None:
        return "used"
    return "expired" if row.expires_at <= utcnow() else None


async def use_link(token: str, now: datetime | None = None) -> ConsoleLink | str:
    """The link, now used; or why not: "unknown", "used" or "expired"."""
    now = now or utcnow()
    row = await ConsoleLink.get_or_none(token_hash=digest(token))
    if row is None:
        return "unknown"
    if row.used_at is not None:
        return "used"
    if row.expires_at <= now:
        return "expired"
    taken = await ConsoleLink.filter(id=row.id, used_at__isnull=True).update(used_at=now)
    return row if taken else "used"


async def start_session(platform: str, user_id: str,
                        now: datetime | None = None) -> tuple[str, ConsoleSession]:
    """A new session: (the cookie's token, the row with its CSRF token)."""
    token = secrets.token_urlsafe(32)
    row = await ConsoleSession.create(
        token_hash=digest(token), platform=platform, user_id=user_id,
        csrf=secrets.token_urlsafe(24), expires_at=(now or utcnow()) + SESSION_LIFE)
    return token, row


async def session(token: str, now: datetime | None = None) -> ConsoleSession | None:
    """The live session this cookie token opens (None: unknown or expired)."""
    if not token or len(token) > 100:
        return None
    row = await ConsoleSession.get_or_none(token_hash=digest(token))
    if row is None or row.expires_at <= (now or utcnow()):
        return None
    return row


async def end_session(token: str) -> None:
    """Sign this browser out."""
    await ConsoleSession.filter(token_hash=digest(token)).delete()


async def end_sessions(platform: str, user_id: str) -> int:
    """Sign a person out everywhere (and drop their unused links); how many sessions ended."""
    await ConsoleLink.filter(platform=platform, user_id=user_id, used_at__isnull=True).delete()
    return await ConsoleSession.filter(platform=platform, user_id=user_id).delete()


async def end_sessions_without_role(platform: str, user_id: str) -> int:
    """After a role is removed: end the person's sessions when no role is left."""
    if (await roles_of(platform, user_id)).any:
        return 0
    return await end_sessions(platform, user_id)


async def audit(kind: str, item: str, action: str, actor: str, note: str = "") -> None:
    """Write one change to the audit trail."""
    await AuditEntry.create(kind=kind, item=item[:64], action=action[:40], actor=actor[:80],
                            note=note[:500])


async def trail(kind: str, item: str) -> list[AuditEntry]:
    """An item's changes, oldest first."""
    return await AuditEntry.filter(kind=kind, item=item).order_by("created_at", "id")


async def link_effect(msg: Incoming, data: dict[str, Any]) -> None:
    """The /console command's effect: store the new link's digest {hash} for the sender."""
    await save_link(msg.platform, msg.user_id, str(data["hash"]))
