"""The calendar route: GET /e/{token}.ics for one registration.

The link is per registration and unguessable (22 random characters): the file carries the
resident's check-in code, so it must not be enumerable, and its UID stays the same while
SEQUENCE follows the event's changes, so opening the link again after a change updates the
calendar entry. A cancelled registration's link answers 404.
"""

from __future__ import annotations

import re

from aiohttp import web

from bot.events import ics
from bot.handlers.deps import DEPS
from bot.storage import events
from bot.storage.models import EventRegistration

TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,32}$")
HEADERS = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer",
           "X-Content-Type-Options": "nosniff"}


def add_routes(app: web.Application) -> None:
    """Serve registrations' calendar files."""
    app.router.add_get("/e/{token}.ics", calendar_file)


async def calendar_file(request: web.Request) -> web.Response:
    """The .ics of the registration with this token; 404 for anything else."""
    token = request.match_info["token"]
    row = await EventRegistration.get_or_none(token=token) if TOKEN.match(token) else None
    ev = await events.get(row.event_id) if row else None
    if row is None or ev is None:
        return web.Response(status=404, text="Not found", headers=HEADERS)
    deps = request.app[DEPS]
    body = ics.build(deps.content, ev, events.registration_view(row), deps.clock(), row.locale)
    headers = {**HEADERS, "Content-Disposition": f'attachment; filename="{ev.id}.ics"'}
    return web.Response(body=body, content_type="text/calendar", charset="utf-8",
                        headers=headers)
