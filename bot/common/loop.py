"""The background loop every worker shares: do a pass, rest when there was nothing to do.

A pass that fails (the database is down, a bug) is retried after a growing pause. A bug
logs one line per retry, with a traceback only for the first failure of a kind. An outage (a
connection refused or lost, a database locked) logs nothing here: it goes to
bot.common.availability, which logs one line when the database goes away and one when it is
back, for the whole process, instead of a line per loop and retry.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.common import metrics
from bot.common.availability import DATABASE

FIRST_WAIT, MAX_WAIT = 1.0, 30.0
OUTAGE_PREFIX = "database or network unavailable: "
# Errors that mean "the database (or network) is not there", by class name, so this module
# needs neither asyncpg nor tortoise: a traceback would add nothing to the one line.
OUTAGES = frozenset({"DBConnectionError", "OperationalError", "InterfaceError",
                     "ConnectionDoesNotExistError", "InvalidCatalogNameError",
                     "CannotConnectNowError", "PostgresConnectionError", "AdminShutdownError",
                     "TooManyConnectionsError", "InternalClientError"})


def is_outage(exc: BaseException) -> bool:
    """True for a refused or lost connection (its own class or its cause's)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) or any(c.__name__ in OUTAGES for c in type(seen).__mro__):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


async def forever(step: Callable[[], Awaitable[bool]], rest: Callable[[], Awaitable[None]],
                  log: logging.Logger,
                  sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
    """Run step until cancelled; call rest after a pass that found nothing; after a failed
    pass wait 1, 2, 4 ... 30 s before the next (a bug: one log line each; an outage: told
    to bot.common.availability)."""
    wait, told, bug = 0.0, set[str](), False
    while True:
        try:
            busy = await step()
        except Exception as exc:  # a failed pass must not end the worker
            wait = min(max(wait * 2, FIRST_WAIT), MAX_WAIT)
            kind = type(exc).__name__
            if is_outage(exc):
                metrics.database_error(log.name.removeprefix("bot."))
            trace = not is_outage(exc) and kind not in told
            told.add(kind)
            if is_outage(exc):
                DATABASE.failed(None, _describe(exc).removeprefix(OUTAGE_PREFIX))
            else:
                bug = True
                log.warning("pass failed (%s); retrying in %.0f s", _describe(exc), wait,
                            exc_info=exc if trace else None)
            await sleep(wait)
            continue
        if wait:
            if bug:
                log.warning("working again after a failure")
            DATABASE.answered()
            wait, told, bug = 0.0, set(), False
        if not busy:
            await rest()


def _describe(exc: BaseException) -> str:
    text = str(exc).splitlines()[0][:120] if str(exc) else ""
    prefix = OUTAGE_PREFIX if is_outage(exc) else ""
    return f"{prefix}{type(exc).__name__}" + (f": {text}" if text else "")
