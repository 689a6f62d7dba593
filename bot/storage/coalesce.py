"""Group writes: concurrent callers' row ids written by one statement per flush.

The worker delivers a batch's answers side by side; each delivery records "a reply is in
flight" before it sends, and "done" after. One UPDATE per row would cost a round trip per
event each time. Here a caller hands its id over and waits: one flush task writes every id
pending (one statement), then wakes them all. A caller still returns only once its own row
is written, so what is recorded before a send is recorded before it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

Write = Callable[[list[int]], Awaitable[None]]


class Coalesced:
    """await coalesced(row_id): returns once a write covering row_id is committed."""

    def __init__(self, write: Write, max_rows: int = 1000) -> None:
        self._write = write
        self.max_rows = max_rows
        self._pending: list[tuple[int, asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self.flushes = 0  # for tests: statements used

    async def __call__(self, row_id: int) -> None:
        """Write row_id together with whatever else is pending (raises what the write raised)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((row_id, done))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_all(), name="inbox-coalesce")
        await asyncio.shield(done)  # a cancelled caller must not cancel the others' write

    async def _flush_all(self) -> None:
        while self._pending:
            batch = self._pending[:self.max_rows]
            del self._pending[:self.max_rows]
            self.flushes += 1
            try:
                await self._write(sorted({row_id for row_id, _ in batch}))
            except Exception as exc:
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                        # A caller cancelled meanwhile never awaits its future (it awaited a
                        # shield): mark the exception seen, or it is logged when the future is
                        # collected, from whatever code the garbage collector interrupts.
                        done.exception()
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)
