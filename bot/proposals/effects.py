"""The proposal flows' effects, applied inside the turn's saving transaction."""

from __future__ import annotations

from typing import Any

from bot.core.types import Incoming
from bot.storage import jobs
from bot.storage.conversations import Conflict
from bot.storage.proposals import store as proposals

NOTICE = "staff_notice"  # the job telling the district office about a submitted proposal


async def save(msg: Incoming, data: dict[str, Any]) -> None:
    """Upsert the draft: {token, answers, locale}."""
    await proposals.save_draft(msg.platform, msg.user_id, data["token"], data["answers"],
                               data.get("locale", "zh-TW"))


async def submit(msg: Incoming, data: dict[str, Any]) -> None:
    """Submit, then queue the district office's notice (sent when its staff chat is set);
    a resident told the proposal is queued is told again when the notice goes out."""
    done = await proposals.submit(msg.platform, msg.user_id, data["token"], data["ref"],
                                  data["answers"], data.get("locale", "zh-TW"))
    if done is not None and done.ref:
        payload = {"ref": done.ref, "tell_resident": bool(data.get("queued"))}
        await jobs.enqueue(NOTICE, payload,
                           dedupe_key=f"staff:{done.ref}:{done.submitted_at:%Y%m%d%H%M%S%f}")


async def set_status(msg: Incoming, data: dict[str, Any]) -> None:
    """Staff moved a proposal: {ref, old, new, note, actor}.

    When it is no longer in `old` (another staff member was first), the turn is re-run on
    fresh data (the dispatcher retries Conflict), so the presser hears "already ...".
    """
    moved = await proposals.set_status(data["ref"], data["old"], data["new"], data["note"],
                                       data["actor"])
    if not moved:
        raise Conflict(data["ref"])
