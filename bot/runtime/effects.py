"""Effects: what handlers ask the dispatcher to persist, applied inside the turn's transaction.

Each feature registers its appliers here (name -> coroutine), so the dispatcher stays small.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from bot.broadcasts.compose import schedule
from bot.core.serialize import reply_from_dict
from bot.core.types import Effect, Incoming
from bot.storage import jobs, people, subscriptions
from bot.storage.conversations import Conflict
from bot.storage.proposals import store as proposals

Applier = Callable[[Incoming, dict[str, Any]], Awaitable[None]]
BatchApplier = Callable[[list[tuple[Incoming, dict[str, Any]]]], Awaitable[None]]
EFFECTS: dict[str, Applier] = {}
# Effects that a batch of turns writes with one statement for all (they touch nothing the
# other effects read, so applying them after the rest changes nothing).
BATCHED: dict[str, BatchApplier] = {}
# After these the stored conversation no longer follows from the turn's context (it is
# deleted), so a batch must not chain the conversation's next event onto that context.
ENDS_CONVERSATION = frozenset({"delete_my_data"})


def effect(name: str) -> Callable[[Applier], Applier]:
    """Register an applier for an effect name."""
    def register(fn: Applier) -> Applier:
        _unregistered(name)
        EFFECTS[name] = fn
        return fn
    return register


def batched(name: str) -> Callable[[BatchApplier], BatchApplier]:
    """Register an applier that writes many effects of this name at once."""
    def register(fn: BatchApplier) -> BatchApplier:
        _unregistered(name)
        BATCHED[name] = fn
        return fn
    return register


def _unregistered(name: str) -> None:
    if name in EFFECTS or name in BATCHED:
        raise ValueError(f"effect {name} registered twice")


async def apply_effect(msg: Incoming, eff: Effect) -> None:
    """Persist one effect; an unknown name is a programming error."""
    if eff.name in BATCHED:
        await BATCHED[eff.name]([(msg, eff.data)])
        return
    try:
        applier = EFFECTS[eff.name]
    except KeyError:
        raise ValueError(f"unknown effect {eff.name}") from None
    await applier(msg, eff.data)


async def apply_effects(effects: list[tuple[Incoming, Effect]]) -> None:
    """Persist a batch's effects in order; those with a batch applier go last, together."""
    together: dict[str, list[tuple[Incoming, dict[str, Any]]]] = {}
    for msg, eff in effects:
        if eff.name in BATCHED:
            together.setdefault(eff.name, []).append((msg, eff.data))
        else:
            await apply_effect(msg, eff)
    for name, items in together.items():
        await BATCHED[name](items)


@effect("follow")
async def _follow(msg: Incoming, data: dict[str, Any]) -> None:
    await people.set_followed(msg.platform, msg.user_id, True)


@effect("unfollow")
async def _unfollow(msg: Incoming, data: dict[str, Any]) -> None:
    await people.set_followed(msg.platform, msg.user_id, False)


@batched("unanswered")
async def _unanswered(items: list[tuple[Incoming, dict[str, Any]]]) -> None:
    await people.log_unanswered_many(
        [(d["text"], d["reason"], "en" if d["lang"] == "en" else "zh", d.get("faq_id"))
         for _, d in items])


@effect("feedback")
async def _feedback(msg: Incoming, data: dict[str, Any]) -> None:
    await people.record_feedback(msg.platform, msg.user_id, data["faq_id"], data["helpful"])


@effect("delete_my_data")
async def _delete(msg: Incoming, data: dict[str, Any]) -> None:
    await people.delete_user(msg.platform, msg.user_id)


@effect("notify")
async def _notify(msg: Incoming, data: dict[str, Any]) -> None:
    """Queue a message to another user or chat: {platform, chat_id, replies, key, at?}."""
    await jobs.enqueue_send(data["platform"], data["chat_id"], data["replies"],
                            dedupe_key=data["key"], run_at=data.get("at"))


@effect("proposal_save")
async def _proposal_save(msg: Incoming, data: dict[str, Any]) -> None:
    await proposals.save_draft(msg.platform, msg.user_id, data["token"], data["answers"],
                               data.get("locale", "zh-TW"))


@effect("proposal_submit")
async def _proposal_submit(msg: Incoming, data: dict[str, Any]) -> None:
    """Submit, then queue the district office's notice (sent when its staff chat is set);
    a resident told the proposal is queued is told again when the notice goes out."""
    done = await proposals.submit(msg.platform, msg.user_id, data["token"], data["ref"],
                                  data["answers"], data.get("locale", "zh-TW"))
    if done is not None and done.ref:
        payload = {"ref": done.ref, "tell_resident": bool(data.get("queued"))}
        await jobs.enqueue("staff_notice", payload,
                           dedupe_key=f"staff:{done.ref}:{done.submitted_at:%Y%m%d%H%M%S%f}")


@effect("proposal_status")
async def _proposal_status(msg: Incoming, data: dict[str, Any]) -> None:
    """Staff moved a proposal: {ref, old, new, note, actor}.

    When it is no longer in `old` (another staff member was first), the turn is re-run on
    fresh data (the dispatcher retries Conflict), so the presser hears "already ...".
    """
    moved = await proposals.set_status(data["ref"], data["old"], data["new"], data["note"],
                                       data["actor"])
    if not moved:
        raise Conflict(data["ref"])


@effect("subscribe")
async def _subscribe(msg: Incoming, data: dict[str, Any]) -> None:
    """Opt in: {topic: ivoting | news, scope: 全市 or a district, locale}."""
    await subscriptions.add(msg.platform, msg.user_id, data["topic"], data["scope"],
                            data.get("locale", "zh-TW"))


@effect("unsubscribe")
async def _unsubscribe(msg: Incoming, data: dict[str, Any]) -> None:
    """Opt out: {topic, scope} (scope None: every scope of the topic)."""
    await subscriptions.remove(msg.platform, msg.user_id, data["topic"], data.get("scope"))


@effect("broadcast_create")
async def _broadcast_create(msg: Incoming, data: dict[str, Any]) -> None:
    """Staff confirmed a broadcast: {audience, replies, run_at, district, urgent, sender}."""
    replies = [reply_from_dict(r) for r in data["replies"]]
    await schedule(audience=data["audience"], replies=replies,
                   run_at=datetime.fromisoformat(data["run_at"]), district=data["district"],
                   sender=tuple(data["sender"]), urgent=bool(data["urgent"]))


# Features that keep their appliers in their own home register them on import.
from bot.events import effects as _event_effects  # noqa: E402,F401
from bot.tickets import effects as _ticket_effects  # noqa: E402,F401
