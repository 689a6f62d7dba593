"""The one aiohttp server: LINE and Telegram webhooks, /healthz, the local web chat and the
staff console (/staff)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.adapters import local_web
from bot.adapters.body import BadBody, parse_object
from bot.common.availability import ANSWER_WITHIN, DATABASE
from bot.common.loop import is_outage
from bot.common.settings import Settings
from bot.handlers import features
from bot.handlers.deps import DEPS
from bot.runtime import console
from bot.runtime.demo import load_samples
from bot.runtime.ops_web import add_ops
from bot.runtime.services import SERVICES, Services, build_services
from bot.storage import inbox
from bot.storage.db import close_db, open_db
from bot.storage.inbox import NewEvent

log = logging.getLogger("bot.web")
MAX_BODY = 1024 * 1024  # LINE and Telegram bodies are a few KB; refuse anything huge early


def build_app(settings: Settings, services: Services | None = None) -> web.Application:
    """The web application for these settings (platform routes only when configured)."""
    services = services or build_services(settings)
    app = web.Application(client_max_size=MAX_BODY, middlewares=[_too_large])
    app[SERVICES] = services
    app[DEPS] = services.deps
    # Order matters: the ORM context must exist before the worker task is created.
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_platforms_and_worker)
    app.router.add_get("/healthz", healthz)
    features.add_routes(app)  # the printable proposal pages, the calendar files
    console.add_routes(app)  # the staff console under /staff
    if services.line is not None:
        app.router.add_post("/webhook/line", line_webhook)
    if services.telegram is not None:
        app.router.add_post("/webhook/telegram", telegram_webhook)
    if settings.local_chat_enabled:
        local_web.add_routes(app, services.local_chat)
    add_ops(app, settings)  # /readyz, /metrics, graceful stop (after the cleanup_ctx above)
    return app


@web.middleware
async def _too_large(request: web.Request, handler: Handler) -> web.StreamResponse:
    """One log line per body refused as too large (aiohttp answers 413 on its own)."""
    try:
        return await handler(request)
    except web.HTTPRequestEntityTooLarge:
        route = request.match_info.route.resource
        log.warning("%s refused (413): body of %s bytes, over %d", route.canonical if route
                    else "request", request.content_length or "unknown", MAX_BODY)
        raise


async def _database(app: web.Application) -> AsyncIterator[None]:
    settings = app[SERVICES].settings
    await open_db(settings.database_url, migrate_first=settings.database_url.startswith("sqlite"),
                  wait=settings.database_wait)
    if settings.demo_samples_enabled:
        await load_samples(settings)
    yield
    await close_db()


async def _platforms_and_worker(app: web.Application) -> AsyncIterator[None]:
    services = app[SERVICES]
    await services.start()
    tasks = services.background()
    yield
    await services.recorder.close()
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await services.close()


async def healthz(request: web.Request) -> web.Response:
    """Liveness plus the inbox backlog; 503 with the reason, within ANSWER_WITHIN seconds,
    when the database does not answer (busy or unreachable)."""
    try:
        counts = await asyncio.wait_for(_health_counts(), ANSWER_WITHIN)
    except Exception as exc:
        return _unavailable("health check", exc, {"ok": False})
    DATABASE.answered()
    return web.json_response({"ok": True, "inbox": counts})


async def _health_counts() -> dict[str, int]:
    if DATABASE.down_since is not None:  # reads may work while writes cannot: try a write
        await inbox.write_probe()
    return await inbox.counts()


def _unavailable(what: str, exc: BaseException, body: dict[str, Any]) -> web.Response:
    why = "busy: no answer in time" if isinstance(exc, TimeoutError) else type(exc).__name__
    DATABASE.failed(what, why)  # one line when it goes away, one when it is back
    reason = f"database unavailable ({why})"
    return web.json_response({**body, "reason": reason}, status=503)


async def line_webhook(request: web.Request) -> web.Response:
    """Verify, check, record (committed together with concurrent requests), answer 200."""
    services = request.app[SERVICES]
    assert services.line is not None
    signature = request.headers.get("X-Line-Signature")
    if not signature:
        return _refuse("line", 400, "missing X-Line-Signature")
    body = await request.read()
    if not services.line.verify(body, signature):
        return _refuse("line", 401, "bad signature")
    try:
        events = services.line.events(parse_object(body))
    except BadBody as exc:
        return _refuse("line", 400, str(exc))
    return await _record(services, "line", events)


async def telegram_webhook(request: web.Request) -> web.Response:
    """Check the secret header and the update, record it, answer 200."""
    services = request.app[SERVICES]
    assert services.telegram is not None
    if not services.telegram.verify(request.headers.get("X-Telegram-Bot-Api-Secret-Token")):
        return _refuse("telegram", 403, "bad secret token")
    try:
        events = services.telegram.events(parse_object(await request.read()))
    except BadBody as exc:
        return _refuse("telegram", 400, str(exc))
    return await _record(services, "telegram", events)


async def _record(services: Services, platform: str, events: list[NewEvent]) -> web.Response:
    # 200 only once these events are committed; otherwise the platform sends them again. The
    # commit is shared with other requests and goes on when this one stops waiting for it
    # (a redelivery of an event recorded meanwhile is ignored).
    try:
        await asyncio.wait_for(services.recorder.record(platform, events), ANSWER_WITHIN)
    except Exception as exc:
        if not (isinstance(exc, TimeoutError) or is_outage(exc)):  # not the database's state
            log.warning("%s webhook not recorded (%s): answered 503, the platform retries",
                        platform, type(exc).__name__)
            return web.json_response({"error": "unavailable"}, status=503)
        return _unavailable(f"{platform} webhook", exc, {"error": "unavailable"})
    DATABASE.answered()
    services.worker.notify()
    return web.json_response({})


def _refuse(platform: str, status: int, reason: str) -> web.Response:
    # One line, no body and no ids: the reason names only the broken field.
    log.warning("%s webhook refused (%d): %s", platform, status, reason)
    return web.json_response({"error": reason}, status=status)
