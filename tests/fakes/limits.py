"""Sliding-window rate limits for the fake platform servers (what the real ones enforce)."""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class Windows:
    """At most `count` calls per `seconds` for each key; a call over it is refused."""

    refused: int = 0
    _calls: dict[str, deque[float]] = field(default_factory=dict)

    def over(self, key: str, count: int, seconds: float) -> float:
        """0 and the call is counted, or the seconds until the key has room again."""
        return self.admit([(key, count, seconds)])

    def admit(self, rules: list[tuple[str, int, float]]) -> float:
        """0 and the call is counted under every rule, or the longest wait (counted nowhere)."""
        now, wait = time.monotonic(), 0.0
        for key, count, seconds in rules:
            calls = self._calls.setdefault(key, deque())
            while calls and calls[0] <= now - seconds:
                calls.popleft()
            if len(calls) >= count:
                wait = max(wait, calls[0] + seconds - now)
        if wait:
            self.refused += 1
            return wait
        for key, _, _ in rules:
            self._calls[key].append(now)
        return 0.0


def retry_after(wait: float) -> int:
    """Whole seconds, at least 1 (as Telegram gives them)."""
    return max(1, math.ceil(wait))
