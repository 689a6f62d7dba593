"""`run.py serve`: the aiohttp server."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.settings import Settings
from bot.web import build_app

log = logging.getLogger("bot")


def run_serve(settings: Settings) -> int:
    """Serve until interrupted."""
    app = build_app(settings)
    parts = [name for name, on in (("LINE", settings.line_enabled),
                                   ("Telegram", settings.telegram_enabled),
                                   ("local web chat", settings.local_chat_enabled)) if on]
    log.info("serving %s on http://%s:%d", ", ".join(parts) or "health only",
             settings.host, settings.port)
    web.run_app(app, host=settings.host, port=settings.port, print=None)
    return 0
