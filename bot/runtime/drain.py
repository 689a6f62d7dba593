"""Readiness and the graceful stop (SIGTERM or SIGINT), for several processes behind a proxy.

starting -> ready (database open, worker running) -> draining (a signal arrived). While
draining, webhooks answer 503 (the platform or the proxy sends them to another process),
the turns and deliveries in flight finish within SHUTDOWN_GRACE, and every lease this
process holds (inbox rows recorded or claimed here, claimed jobs) is handed back, so another
process takes the rest at once instead of after the lease runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator

from aiohttp import web

from bot.common import metrics
from bot.runtime.services import SERVICES, Services
from bot.storage import leases
from bot.storage.models import InboundEvent

log = logging.getLogger("bot.drain")
STATES = ("starting", "ready", "draining")
WORK_LOOPS = ("inbox-worker", "job-runner")  # the loops that hold leases


class Lifecycle:
    """This process's state, for /readyz and the webhook gate."""

    def __init__(self) -> None:
        self.state = "starting"

    def set(self, state: str) -> None:
        """Move to state (one of STATES)."""
        assert state in STATES
        self.state = state
        metrics.READY.set(1 if state == "ready" else 0)
        metrics.DRAINING.set(1 if state == "draining" else 0)

    @property
    def draining(self) -> bool:
        """True once a stop began."""
        return self.state == "draining"


LIFECYCLE = web.AppKey("lifecycle", Lifecycle)


async def ready_when_started(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx, last: everything before it has started, so the process is ready."""
    app[LIFECYCLE].set("ready")
    yield


async def on_shutdown(app: web.Application) -> None:
    """aiohttp's shutdown hook (the listener is closed already): drain, then hand back."""
    await drain(app[SERVICES], app[LIFECYCLE])


async def drain(services: Services, lifecycle: Lifecycle) -> None:
    """Stop taking work, finish what is in flight within SHUTDOWN_GRACE, hand back leases."""
    grace = services.settings.shutdown_grace
    lifecycle.set("draining")
    _ignore_repeats()
    log.info("stopping: webhooks answer 503; finishing work in flight (up to %.0f s)", grace)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + grace
    # Requests still being recorded: unleased from now on, so any process takes them; rows
    # of the flush under way (leased here) are handed back with the rest.
    late: list[InboundEvent] = []
    services.recorder.stop_hand_off(late.extend)
    with contextlib.suppress(Exception):
        await asyncio.wait_for(asyncio.shield(services.recorder.close()), grace)
    worker, jobs = services.worker, services.jobs
    worker.stopping = jobs.stopping = True
    queued = worker.handoff.give_back()
    worker.notify()
    try:
        await asyncio.wait_for(asyncio.gather(worker.idle.wait(), jobs.idle.wait()),
                               max(0.0, deadline - loop.time()))
    except TimeoutError:
        log.warning("SHUTDOWN_GRACE (%.0f s) over: work still in flight is handed back", grace)
        await _cancel_work(services)
    await hand_back(queued + [row.id for row in late] + sorted(worker.holding),
                    sorted(jobs.holding))


def _ignore_repeats() -> None:
    """A second SIGTERM/SIGINT (systemd, an impatient script) must not cut the stop short:
    aiohttp's handler would raise in the middle of it. SHUTDOWN_GRACE bounds the stop, and
    systemd's TimeoutStopSec (SIGKILL) bounds everything."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, log.info, "already stopping (%s)", sig.name)


async def _cancel_work(services: Services) -> None:
    tasks = [t for t in services.tasks if t.get_name() in WORK_LOOPS and not t.done()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def hand_back(event_ids: list[int], job_ids: list[int]) -> None:
    """Release these inbox rows and jobs (a failure leaves them to their lease's end)."""
    try:
        events = await leases.release_events(event_ids)
        jobs = await leases.release_jobs(job_ids)
    except Exception as exc:
        metrics.database_error("drain")
        log.warning("leases not handed back (%s): they run out by themselves",
                    type(exc).__name__)
        return
    log.info("stopped taking work: handed back %d event(s) and %d job(s)", events, jobs)
