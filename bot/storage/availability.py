"""Whether the database answers, as seen by this process: one log line when it stops, one when
it is back (with how many requests were refused meanwhile), instead of a line per request.

Webhooks and /healthz give the database ANSWER_WITHIN seconds (a busy SQLite waits for its
write lock, an unreachable PostgreSQL for a connection) and answer 503 after that: the
platforms send a refused webhook again, and a load balancer stops sending traffic here.
"""

from __future__ import annotations

import logging
import time
from collections import Counter

ANSWER_WITHIN = 1.5  # seconds a request waits for the database before it is answered 503
log = logging.getLogger("bot.db")


class Availability:
    """The database's state for this process's log: up, or down since when."""

    def __init__(self) -> None:
        self.down_since: float | None = None
        self.refused: Counter[str] = Counter()

    def failed(self, what: str | None, why: str) -> None:
        """A request (`what`: "webhook", "health check" ...; None: a background pass) failed
        for want of a database; the first failure after it answered logs one line."""
        if self.down_since is None:
            self.down_since = time.monotonic()
            log.warning("database unavailable (%s): answering 503 until it is back", why)
        if what is not None:
            self.refused[what] += 1

    def answered(self) -> None:
        """The database answered: after an outage, one line with what was refused."""
        if self.down_since is None:
            return
        seconds = time.monotonic() - self.down_since
        refused = ", ".join(f"{n} {what}(s)" for what, n in sorted(self.refused.items()))
        log.warning("database back after %.0f s; refused meanwhile: %s", seconds,
                    refused or "nothing")
        self.down_since = None
        self.refused.clear()


DATABASE = Availability()  # one database per process
