"""In-memory hand-off: events this process records go to its own worker without a claim.

The recorder inserts them already leased to this process (`locked_until`, attempt 1) and
hands the rows over; the worker takes them from here before it claims from the database, so
fresh events (whose LINE reply tokens are still valid) are answered first. The rows in the
database stay the source of truth: a row that waited here longer than half its lease is
dropped and goes back to the normal claim once its lease runs out, and so does everything of
a crashed process. A conversation that had a row dropped keeps going through the claim for
a while, so its later events cannot overtake the dropped one.
"""

from __future__ import annotations

import time
from collections import deque

from bot.storage.models import InboundEvent


class HandOff:
    """Rows recorded (and leased) by this process, oldest first, for its worker."""

    def __init__(self, lease: float, claim_every: float = 1.0) -> None:
        self.max_age = lease / 2  # taken rows have at least half a lease left
        self.claim_every = claim_every
        self._rows: deque[tuple[float, InboundEvent]] = deque()
        self._spilled: dict[str, float] = {}  # conversation -> when a row of it was dropped
        self._last_claim = time.monotonic()
        self.on = False  # off until the worker has started (SQLite frees old leases first)
        self.taken = self.dropped = 0  # for tests and benchmarks

    def add(self, rows: list[InboundEvent]) -> bool:
        """Queue freshly recorded rows; False when none was queued (the claim takes them)."""
        if not self.on:
            return False
        now = time.monotonic()
        queued = False
        for row in sorted(rows, key=lambda r: r.id):
            if row.conv_key in self._spilled:  # keep its order: through the claim
                continue
            self._rows.append((now, row))
            queued = True
        return queued

    def give_back(self) -> list[int]:
        """Stop queueing and return the ids of the rows still queued (leased to this
        process but not started): a stopping process releases them."""
        self.on = False
        ids = [row.id for _, row in self._rows]
        self._rows.clear()
        return ids

    def take(self, limit: int) -> list[InboundEvent]:
        """Up to limit rows, oldest first, each with at least half its lease left."""
        self._drop_old()
        taken: list[InboundEvent] = []
        while self._rows and len(taken) < limit:
            taken.append(self._rows.popleft()[1])
        self.taken += len(taken)
        return taken

    def claim_due(self) -> bool:
        """True when the worker should claim from the database now (nothing here, or it has
        not looked there for claim_every seconds: retries and dropped rows wait there)."""
        self._drop_old()
        return not self._rows or time.monotonic() - self._last_claim >= self.claim_every

    def claimed(self, found: int) -> None:
        """The worker claimed `found` rows; with none left there, dropped rows are done."""
        now = time.monotonic()
        self._last_claim = now
        if not found:  # dropped rows were claimable after half a lease; none is waiting now
            self._spilled = {k: t for k, t in self._spilled.items() if now - t < self.max_age}

    def _drop_old(self) -> None:
        now = time.monotonic()
        while self._rows and now - self._rows[0][0] > self.max_age:
            self._spill(now)
        if self._spilled and self._rows:  # later rows of a dropped conversation follow it
            kept = deque(item for item in self._rows if item[1].conv_key not in self._spilled)
            self.dropped += len(self._rows) - len(kept)
            self._rows = kept

    def _spill(self, now: float) -> None:
        _, row = self._rows.popleft()
        self._spilled[row.conv_key] = now
        self.dropped += 1
