"""The background loop every worker shares: do a pass, rest when there was nothing to do."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable


async def forever(step: Callable[[], Awaitable[bool]], rest: Callable[[], Awaitable[None]],
                  log: logging.Logger) -> None:
    """Run step until cancelled; call rest after a pass that found nothing (or failed)."""
    while True:
        try:
            busy = await step()
        except Exception:  # a failed pass must not end the worker: log it and go on
            log.exception("background pass failed; retrying")
            busy = False
        if not busy:
            await rest()
