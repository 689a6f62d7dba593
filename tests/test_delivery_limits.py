"""Shared rate limits: never over a platform's limit in any window, close to it in total,
per chat, shared through Redis by several processes, paused by a 429. A fake clock: no waits."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from pyrate_limiter import Rate

from bot.delivery.limits import Limit, RateLimits
from bot.delivery.pacing import Pacer

REDIS_URL = "redis://127.0.0.1:6379/0"


class FakeClock:
    """Time that moves only when someone sleeps."""

    def __init__(self) -> None:
        self.t = 1_800_000_000.0

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t += seconds
        await asyncio.sleep(0)


def _limits(clock: FakeClock, redis_url: str = "", prefix: str = "") -> RateLimits:
    return RateLimits({"tg_all": Limit(30, 1), "tg_chat": Limit(1, 1),
                       "tg_group": Limit(20, 60, burst=10), "line_multicast": Limit(200, 1)},
                      redis_url=redis_url, prefix=prefix or f"test:{uuid.uuid4().hex}:",
                      now=clock.now, sleep=clock.sleep)


def _max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    return max(sum(1 for u in times if t <= u < t + window) for t in times)


async def _redis_or_skip() -> None:
    from redis.asyncio import Redis
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as exc:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {type(exc).__name__}")
    finally:
        await client.aclose()


async def _taken(limits: RateLimits, clock: FakeClock, kind: str, n: int,
                 key: str = "") -> list[float]:
    """The times at which the bucket admitted n calls. Taken as the bucket saw them: read
    after `take` returns, another process's sleep on the shared clock could already have
    moved time on (a Redis round trip yields), squeezing the record into a later window."""
    times: list[float] = []
    counted = limits._try

    async def recording(name: str, rate: Rate) -> float:
        at = clock.now()  # the bucket stamps its item with this very time, before any await
        wait = await counted(name, rate)
        if wait <= 0:
            times.append(at)
        return wait

    limits._try = recording  # type: ignore[method-assign]
    for _ in range(n):
        await limits.take(kind, key)
    return times


async def test_never_over_the_limit_in_any_window_and_close_to_it() -> None:
    clock = FakeClock()
    limits = _limits(clock)
    times = await _taken(limits, clock, "tg_all", 300)
    assert _max_in_window(times, 1.0) <= 30
    assert 300 / (times[-1] - times[0]) >= 0.95 * 30
    multicasts = await _taken(limits, clock, "line_multicast", 1000)
    assert _max_in_window(multicasts, 1.0) <= 200
    assert 1000 / (multicasts[-1] - multicasts[0]) >= 0.95 * 200


async def test_each_chat_has_its_own_limit_and_groups_twenty_a_minute() -> None:
    clock = FakeClock()
    pacer = Pacer(_limits(clock))
    times: dict[str, list[float]] = {"1": [], "2": [], "-100": []}
    for _ in range(25):
        for chat in times:
            await pacer("tg_push", chat)
            times[chat].append(clock.now())
    assert _max_in_window(times["1"], 1.0) == 1 and _max_in_window(times["2"], 1.0) == 1
    assert _max_in_window(times["-100"], 60.0) <= 20
    answers = [clock.now()]
    for _ in range(3):  # answers to a user's own message are not held to one a second
        await pacer("tg_answer", "1")
        answers.append(clock.now())
    assert answers[-1] - answers[0] < 0.2


async def test_a_429_pauses_the_platform() -> None:
    clock = FakeClock()
    limits = _limits(clock)
    await limits.pause("telegram", 7)
    start = clock.now()
    await Pacer(limits)("tg_push", "1")
    assert clock.now() - start >= 7


async def test_processes_sharing_redis_stay_under_the_limit_together() -> None:
    await _redis_or_skip()
    clock, prefix = FakeClock(), f"test:{uuid.uuid4().hex}:"
    workers = [_limits(clock, REDIS_URL, prefix) for _ in range(3)]
    for w in workers:
        await w.start()
    try:
        results = await asyncio.gather(*(_taken(w, clock, "tg_all", 40) for w in workers))
        together = [t for times in results for t in times]
        assert _max_in_window(together, 1.0) <= 30
        await workers[0].pause("telegram", 5)
        assert 4 < await workers[1].paused_for("telegram") <= 5
    finally:
        for w in workers:
            await w.close()


async def test_an_unreachable_redis_still_limits_in_this_process() -> None:
    clock = FakeClock()
    limits = _limits(clock, "redis://127.0.0.1:1/0")
    await limits.start()
    try:
        times = await _taken(limits, clock, "tg_all", 60)
    finally:
        await limits.close()
    assert _max_in_window(times, 1.0) <= 30
