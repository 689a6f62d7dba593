"""Group writes (bot.storage.coalesce): one statement for concurrent callers, each caller
returning only once its own row is written."""

from __future__ import annotations

import asyncio
import gc

import pytest

from bot.storage.coalesce import Coalesced


async def test_concurrent_callers_share_one_write_and_wait_for_it() -> None:
    writes: list[list[int]] = []
    gate = asyncio.Event()

    async def write(ids: list[int]) -> None:
        await gate.wait()
        writes.append(ids)

    coalesced = Coalesced(write)
    callers = [asyncio.create_task(coalesced(i)) for i in (3, 1, 2)]
    await asyncio.sleep(0.01)
    assert not any(c.done() for c in callers)  # nobody returns before the write
    gate.set()
    await asyncio.gather(*callers)
    assert writes == [[1, 2, 3]] and coalesced.flushes == 1


async def test_callers_arriving_during_a_write_go_in_the_next() -> None:
    writes: list[list[int]] = []

    async def write(ids: list[int]) -> None:
        writes.append(ids)
        await asyncio.sleep(0.01)

    coalesced = Coalesced(write)
    first = asyncio.create_task(coalesced(1))
    await asyncio.sleep(0.001)  # the first write is in flight
    await asyncio.gather(coalesced(2), coalesced(3), first)
    assert writes == [[1], [2, 3]]


async def test_a_failed_write_reaches_every_caller_and_the_next_one_works() -> None:
    fail = [True]

    async def write(ids: list[int]) -> None:
        if fail[0]:
            raise ConnectionError("database down")

    coalesced = Coalesced(write)
    results = await asyncio.gather(coalesced(1), coalesced(2), return_exceptions=True)
    assert [type(r) for r in results] == [ConnectionError, ConnectionError]
    fail[0] = False
    await coalesced(3)
    with pytest.raises(ConnectionError):
        fail[0] = True
        await coalesced(4)


async def test_a_failed_write_for_a_cancelled_caller_is_not_logged_as_never_retrieved(
        caplog: pytest.LogCaptureFixture) -> None:
    gate = asyncio.Event()

    async def write(ids: list[int]) -> None:
        await gate.wait()
        raise RuntimeError("the database closed")

    coalesced = Coalesced(write)
    caller = asyncio.create_task(coalesced(1))
    await asyncio.sleep(0.01)
    caller.cancel()  # a worker stopped while its write was still going
    gate.set()
    await asyncio.sleep(0.01)
    del caller
    gc.collect()  # an unretrieved exception would be logged when its future is collected
    assert "never retrieved" not in caplog.text
