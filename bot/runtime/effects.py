"""Effects: what handlers ask the dispatcher to persist, applied inside the turn's transaction.

Each feature declares its appliers (`Feature.effects`, `Feature.batched`); they are composed
in bot.handlers.features, so this module knows no feature by name.
"""

from __future__ import annotations

from typing import Any

from bot.core.types import Effect, Incoming
from bot.handlers.features import BATCHED, EFFECTS, ENDS_CONVERSATION

__all__ = ["ENDS_CONVERSATION", "apply_effect", "apply_effects"]


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
