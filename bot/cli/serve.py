"""`run.py serve`: the aiohttp server."""

from __future__ import annotations

import asyncio
import gc
import logging
import socket

from aiohttp import web

from bot.common.logs import RedactingAccessLogger
from bot.common.settings import Settings, SettingsError
from bot.runtime.web import build_app
from bot.storage.db import prepare_sqlite

log = logging.getLogger("bot")


def run_serve(settings: Settings) -> int:
    """Serve until interrupted; SettingsError (one line, exit 2) when HOST/PORT cannot be
    used, DATABASE_URL names a SQLite file in a missing directory, or does not answer within
    DATABASE_WAIT."""
    sock = listen(settings.host, settings.port)  # first: a busy port fails before any work
    prepare_sqlite(settings.database_url)  # a missing data directory: one line, no serving
    app = build_app(settings)
    parts = [name for name, on in (("LINE", settings.line_enabled),
                                   ("Telegram", settings.telegram_enabled),
                                   ("local web chat", settings.local_chat_enabled)) if on]
    log.info("serving %s on http://%s:%d", ", ".join(parts) or "health only",
             settings.host, settings.port)
    # Content, the FAQ index and jieba's dictionary are loaded now and live as long as the
    # process: keep the collector from walking them again and again (full collections
    # stalled every webhook for ~0.1 s; bench/webhook.py: SQLite p99 ack 124-152 -> 75-85 ms).
    gc.collect()
    gc.freeze()
    access = {"access_log_class": RedactingAccessLogger} if settings.access_log else {
        "access_log": None}
    # SIGTERM/SIGINT: bot.runtime.drain finishes the work in flight; requests get as long.
    web.run_app(app, sock=sock, print=None, loop=new_loop(settings.uvloop),
                shutdown_timeout=settings.shutdown_grace, **access)
    return 0


def new_loop(use_uvloop: bool) -> asyncio.AbstractEventLoop:
    """uvloop's event loop when asked for and installed, else asyncio's own."""
    if use_uvloop:
        try:
            import uvloop
        except ImportError:
            log.info("UVLOOP is on but uvloop is not installed: using asyncio's loop")
        else:
            return uvloop.new_event_loop()
    return asyncio.new_event_loop()


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on host:port; SettingsError naming HOST or PORT otherwise."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise SettingsError(f"HOST: cannot listen on {host!r} ({exc})") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(512)
    except OSError as exc:
        sock.close()
        raise SettingsError(f"PORT: cannot listen on {host}:{port} ({exc.strerror}); another "
                            f"server may be using it: stop it or set another PORT") from None
    return sock
