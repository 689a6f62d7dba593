"""Operations on the web server: /readyz, /metrics, the webhook gate and its counters.

/metrics is this process's registry (bot.common.metrics) in Prometheus' text format. It is never
open to anyone who can reach the webhooks: with METRICS_TOKEN it wants that Bearer token;
with METRICS_PORT it is served only on that separate listener (bind it where only
Prometheus reaches it); with neither it answers 403 saying so.
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web
from tortoise import connections

from bot.common import metrics
from bot.common.settings import Settings
from bot.runtime.drain import LIFECYCLE, Lifecycle, on_shutdown, ready_when_started
from bot.runtime.metrics_sample import Sampler
from bot.runtime.services import SERVICES

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
OUTCOMES = {200: "accepted", 400: "bad_request", 401: "bad_signature", 403: "bad_secret",
            413: "too_large", 503: "unavailable"}
READY_TIMEOUT = 2.0
SAMPLER = web.AppKey("sampler", Sampler)


def add_ops(app: web.Application, settings: Settings) -> None:
    """Add the lifecycle, the webhook gate, /readyz and /metrics (or its own listener)."""
    services = app[SERVICES]
    app[LIFECYCLE] = Lifecycle()
    app[SAMPLER] = Sampler(services.line.quota if services.line is not None else None)
    app.middlewares.append(webhook_gate)
    app.cleanup_ctx.append(ready_when_started)
    app.on_shutdown.append(on_shutdown)
    app.router.add_get("/readyz", readyz)
    if settings.metrics_port:
        app.cleanup_ctx.append(_metrics_listener)
    else:
        app.router.add_get("/metrics", _metrics_view(main_port=True))


@web.middleware
async def webhook_gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Webhooks: 503 while draining; count each request by platform and outcome."""
    if not request.path.startswith("/webhook/"):
        return await handler(request)
    platform = metrics.platform_label(request.path.removeprefix("/webhook/"))
    if request.app[LIFECYCLE].draining:
        metrics.WEBHOOKS.labels(platform, "draining").inc()
        return web.json_response({"error": "stopping"}, status=503)
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        _count(platform, exc.status)
        raise
    _count(platform, response.status)
    return response


def _count(platform: str, status: int) -> None:
    outcome = OUTCOMES.get(status, f"http_{status // 100}xx")
    metrics.WEBHOOKS.labels(platform, outcome).inc()
    if status == 503:  # recording failed: the database did not take it
        metrics.database_error("webhook")


async def readyz(request: web.Request) -> web.Response:
    """200 when this process takes traffic: started, not stopping, database answering."""
    state = request.app[LIFECYCLE].state
    if state != "ready":
        return web.json_response({"ok": False, "state": state}, status=503)
    try:
        await asyncio.wait_for(connections.get("default").execute_query("SELECT 1"),
                               READY_TIMEOUT)
    except Exception as exc:
        metrics.database_error("readyz")
        reason = f"database unavailable ({type(exc).__name__})"
        return web.json_response({"ok": False, "state": state, "reason": reason}, status=503)
    return web.json_response({"ok": True, "state": state})


def _metrics_view(*, main_port: bool) -> Handler:
    async def view(request: web.Request) -> web.StreamResponse:
        settings: Settings = request.app[SERVICES].settings
        refusal = _refusal(request, settings, main_port)
        if refusal is not None:
            return refusal
        await request.app[SAMPLER].refresh()
        body, content_type = metrics.exposition()
        return web.Response(body=body, headers={"Content-Type": content_type})
    return view


def _refusal(request: web.Request, settings: Settings, main_port: bool) -> web.Response | None:
    token = settings.metrics_token
    if token:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return web.json_response({"error": "metrics need the METRICS_TOKEN bearer token"},
                                     status=401, headers={"WWW-Authenticate": "Bearer"})
        return None
    if main_port:
        return web.json_response({"error": "set METRICS_TOKEN or METRICS_PORT to serve "
                                  "/metrics"}, status=403)
    return None


async def _metrics_listener(app: web.Application) -> AsyncIterator[None]:
    """/metrics alone on METRICS_PORT (same HOST), for the life of the server."""
    settings: Settings = app[SERVICES].settings
    side = web.Application()
    side[SERVICES] = app[SERVICES]
    side[SAMPLER] = app[SAMPLER]
    side.router.add_get("/metrics", _metrics_view(main_port=False))
    runner = web.AppRunner(side, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.host, settings.metrics_port).start()
    yield
    await runner.cleanup()
