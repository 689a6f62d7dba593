"""Runs due jobs in every process; leases make it safe with many workers."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import datetime

from bot.common.loop import forever
from bot.core.errors import DeliveryError, PermanentError
from bot.storage import jobs
from bot.storage.jobs import JobHandler
from bot.storage.models import Job

log = logging.getLogger("bot.jobs")
__all__ = ["JobHandler", "JobRunner", "PermanentError"]


class JobRunner:
    """Claims due jobs and runs the handler registered for each kind."""

    def __init__(self, handlers: dict[str, JobHandler], batch: int = 32,
                 poll: float = 1.0, clock: Callable[[], datetime] | None = None) -> None:
        self.handlers = handlers
        self.batch = batch
        self.poll = poll
        self.clock = clock  # what "due" means (tests pass a fake clock); None: real time
        # Graceful stop (runtime/drain.py): finish the job in flight, hand back the rest.
        self.stopping = False
        self.idle = asyncio.Event()
        self.idle.set()
        self.holding: set[int] = set()
        self._busy = 0  # run_once calls under way (tests call it beside the loop)

    async def run(self) -> None:
        """Run until cancelled."""
        await forever(self.run_once, lambda: asyncio.sleep(self.poll), log)

    async def run_once(self) -> bool:
        """Run one batch of due jobs; False when none were due."""
        if self.stopping:
            return False
        self._busy += 1
        self.idle.clear()  # before the claim: a stop waits for what it brings
        try:
            due = await jobs.claim_due(self.batch, now=self.clock() if self.clock else None)
            self.holding.update(job.id for job in due)
            for job in due:
                if self.stopping:
                    break  # the rest are handed back (bot.runtime.drain)
                await self._run(job)
                self.holding.discard(job.id)
        finally:
            self._busy -= 1
            if not self._busy:
                self.idle.set()
        return bool(due)

    async def _run(self, job: Job) -> None:
        handler = self.handlers.get(job.kind)
        if handler is None:
            await jobs.finish(job.id, error=f"no handler for {job.kind}")
            return
        try:
            await handler(json.loads(job.payload), job)
        except PermanentError as exc:
            await jobs.finish(job.id, error=str(exc)[:200])
        except DeliveryError as exc:  # the platform refused: for good, or for a while
            log.warning("job %s (%s) not delivered: %s", job.id, job.kind, exc.reason)
            if exc.permanent:
                await jobs.finish(job.id, error=exc.reason)
            else:
                await jobs.retry_later(job, exc.reason, exc.retry_after)
        except Exception as exc:
            log.warning("job %s (%s) failed: %s", job.id, job.kind, type(exc).__name__)
            await jobs.retry_later(job, f"{type(exc).__name__}: {exc}")
        else:
            await jobs.finish(job.id)
