"""Platform rate limits shared by every process: pyrate-limiter token buckets (GCRA).

With REDIS_URL the buckets live in Redis (pyrate-limiter's RedisStateStore: one hash per key,
updated by an atomic Lua script), so all workers together stay under each platform's limit;
without it they live in this process. A 429 pauses a platform for every process the same way.

Each limit runs a little under the platform's figure, so a burst plus the steady rate never
exceeds it within one window: rate (L - b) per window with a burst of b = 3 % of L.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from inspect import isawaitable
from typing import Any

from pyrate_limiter import (
    AbstractClock,
    Decision,
    InMemoryStateStore,
    Rate,
    RateItem,
    RedisStateStore,
    StateBucket,
    TokenBucket,
)

log = logging.getLogger("bot.delivery")
MAX_LOCAL_BUCKETS = 20_000  # per-chat buckets kept in memory (least recently used dropped)
HEADROOM = 0.03
# The buckets count time in 0.1 ms ticks, not pyrate-limiter's usual milliseconds: at 29 calls
# a second a call is due every 34.48 ms, and whole milliseconds (truncated now, rounded-up
# waits) lost about 3 % of the rate.
TICKS = 10_000
Now = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class Limit:
    """A platform limit: `count` calls per `seconds`; `burst` calls may go at once (default
    3 % of count), the rest spread evenly, never more than count in any window."""

    count: int
    seconds: float
    burst: int = 0

    def rate(self) -> Rate:
        """The token-bucket rate that never exceeds count in any window of seconds."""
        interval = int(self.seconds * TICKS)
        burst = min(self.burst, self.count - 1) if self.burst else 0
        burst = burst or max(1, round(self.count * HEADROOM))
        if burst == 1 and self.count >= 2:
            # No tokens to catch up with, so every late wake-up (the event loop's timers run
            # up to ~1 ms late) is lost: space calls 1/(count - 0.5) apart, which still fits
            # at most count in any window, instead of 1/(count - 1), which lost ~6 %.
            return Rate(2 * self.count - 1, 2 * interval, burst=1)
        if not self.burst and burst >= 2:
            # Half the headroom is the burst and half stays unused: requests reach the platform
            # a little bunched (a busy event loop, the network), and one that counts arrivals
            # in a sliding window refuses the one over; a 429 pauses LINE for a second.
            return Rate(self.count - burst, interval, burst=burst // 2)
        if self.count - burst >= 1:
            return Rate(self.count - burst, interval, burst=burst)
        return Rate(1, int(interval * (1 + HEADROOM * 2)), burst=1)


class _Clock(AbstractClock):
    def __init__(self, now: Now) -> None:
        self._now = now

    def now(self) -> int:
        return int(self._now() * TICKS)


class RateLimits:
    """Named limits (line_push, line_multicast, tg_all, tg_chat, tg_group), each per key."""

    def __init__(self, limits: dict[str, Limit], *, redis_url: str = "",
                 prefix: str = "civicbot:", now: Now = time.time,
                 sleep: Sleep = asyncio.sleep) -> None:
        self.limits = limits
        self.redis_url = redis_url
        self.prefix = prefix
        self._now, self._sleep = now, sleep
        self._clock = _Clock(now)
        self._redis: Any = None
        self._buckets: OrderedDict[str, StateBucket] = OrderedDict()
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._paused: dict[str, float] = {}
        self._warned = 0.0

    @property
    def shared(self) -> bool:
        """True when the buckets live in Redis (shared by every process)."""
        return bool(self.redis_url)

    async def start(self) -> None:
        """Connect to Redis when configured (inside the running loop)."""
        if self.redis_url and self._redis is None:
            from redis.asyncio import Redis
            self._redis = Redis.from_url(self.redis_url)

    async def close(self) -> None:
        """Close the Redis connection."""
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None
            self._buckets.clear()

    async def take(self, kind: str, key: str = "") -> None:
        """Wait until one call of `kind` (for `key`, e.g. a chat) is allowed, and count it."""
        name = f"{kind}:{key}" if key else kind
        lock = self._locks.get(name)
        if lock is None:
            lock = self._locks[name] = asyncio.Lock()
        async with lock:  # one waiter per key per process; the others queue in order
            while True:
                wait = await self._try(name, self.limits[kind].rate())
                if wait <= 0:
                    return
                await self._sleep(wait)

    async def _try(self, name: str, rate: Rate) -> float:
        """Seconds to wait before trying again; 0 when the call was counted."""
        bucket = self._bucket(name, rate)
        item = RateItem(name, self._clock.now())
        try:
            pending = bucket.put_decision(item)
            decision = await pending if isawaitable(pending) else pending
        except Exception as exc:  # Redis down: stay polite with a local bucket meanwhile
            self._warn(exc)
            self._buckets.pop(name, None)
            return await self._try_local(name, rate)
        if decision.allowed:
            return 0.0
        return max(decision.retry_after_ms or 100, 1) / TICKS

    async def _try_local(self, name: str, rate: Rate) -> float:
        bucket = self._buckets.get(f"local:{name}") or StateBucket(
            [rate], TokenBucket(), InMemoryStateStore(), self._clock)
        self._remember(f"local:{name}", bucket)
        decision = bucket.put_decision(RateItem(name, self._clock.now()))
        assert isinstance(decision, Decision)
        return 0.0 if decision.allowed else max(decision.retry_after_ms or 100, 1) / TICKS

    def _bucket(self, name: str, rate: Rate) -> StateBucket:
        bucket = self._buckets.get(name)
        if bucket is not None:
            self._buckets.move_to_end(name)
            return bucket
        store = (RedisStateStore(self._redis, self.prefix + name) if self._redis is not None
                 else InMemoryStateStore())
        bucket = StateBucket([rate], TokenBucket(), store, self._clock)
        self._remember(name, bucket)
        return bucket

    def _remember(self, name: str, bucket: StateBucket) -> None:
        if name in self._buckets:
            return
        self._buckets[name] = bucket
        if len(self._buckets) > MAX_LOCAL_BUCKETS:
            self._buckets.popitem(last=False)

    def _warn(self, exc: Exception) -> None:
        if self._now() - self._warned > 60:
            self._warned = self._now()
            log.warning("shared rate limits unavailable (%s): limiting in this process",
                        type(exc).__name__)

    async def pause(self, platform: str, seconds: float) -> None:
        """Hold every send to a platform for seconds (the platform answered 429)."""
        until = self._now() + seconds
        self._paused[platform] = max(self._paused.get(platform, 0.0), until)
        if self._redis is not None:
            try:
                await self._redis.set(f"{self.prefix}pause:{platform}", "1",
                                      px=max(1, int(seconds * 1000)))
            except Exception as exc:
                self._warn(exc)

    async def paused_for(self, platform: str) -> float:
        """Seconds left of a platform's pause (0 when it may send)."""
        left = self._paused.get(platform, 0.0) - self._now()
        if self._redis is not None:
            try:
                ttl = await self._redis.pttl(f"{self.prefix}pause:{platform}")
                left = max(left, ttl / 1000 if ttl and ttl > 0 else 0.0)
            except Exception as exc:
                self._warn(exc)
        return max(left, 0.0)

    async def wait_unpaused(self, platform: str) -> None:
        """Return once a platform's pause (if any) is over."""
        while (left := await self.paused_for(platform)) > 0:
            await self._sleep(left)
