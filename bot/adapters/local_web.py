"""The local web chat: a page at / and a JSON endpoint running the same dispatcher."""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.adapters.body import BadBody, parse_json
from bot.adapters.common import flat_choices, reply_text
from bot.core.types import Incoming, Reply
from bot.services import SERVICES, Services

log = logging.getLogger("bot.web")
PAGE = Path(__file__).with_name("local_page.html")
USER_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_TEXT = 2000


def add_routes(app: web.Application) -> None:
    """Serve the page and the chat endpoint."""
    app.router.add_get("/", page)
    app.router.add_post("/api/chat", chat)
    app.router.add_get("/api/poll", poll)


async def page(request: web.Request) -> web.Response:
    """The chat page, with its labels taken from content."""
    content = request.app[SERVICES].deps.content
    text = PAGE.read_text(encoding="utf-8")
    for key in ("web.title", "web.placeholder", "web.send"):
        text = text.replace("{{" + key + "}}", html.escape(content.t(key)))
    return web.Response(text=text, content_type="text/html", charset="utf-8")


async def chat(request: web.Request) -> web.Response:
    """One turn: {user, text | payload | event} in, {replies: [...]} out.

    400 for a body that is not one; 503 with the generic apology in `replies` when the bot
    cannot answer (database down, a bug), so the page always has something to show.
    """
    try:
        body = parse_json(await request.read())
    except BadBody:
        return web.json_response({"error": "send a JSON object"}, status=400)
    msg = _incoming(body)
    if msg is None:
        return web.json_response({"error": "need user (8-64 of A-Z a-z 0-9 _ -) "
                                  "and text, payload or event"}, status=400)
    services: Services = request.app[SERVICES]
    try:
        outcome = await services.dispatcher.turn(msg)
    except Exception:
        log.exception("local chat turn failed")  # the log formatter redacts ids
        return _unavailable(services)
    replies = [*services.local.take(msg.user_id), *outcome.replies]
    return web.json_response({"replies": [_reply_json(r) for r in replies]})


def _unavailable(services: Services) -> web.Response:
    text = services.deps.content.t("error.generic")
    return web.json_response({"error": "unavailable", "replies": [{"text": text, "choices": []}]},
                             status=503)


async def poll(request: web.Request) -> web.Response:
    """Messages pushed to a local user since the last call (reminders, staff replies)."""
    user = request.query.get("user", "")
    if not USER_ID.match(user):
        return web.json_response({"error": "need user"}, status=400)
    waiting = request.app[SERVICES].local.take(user)
    return web.json_response({"replies": [_reply_json(r) for r in waiting]})


def _incoming(body: Any) -> Incoming | None:
    if not isinstance(body, dict) or not USER_ID.match(str(body.get("user", ""))):
        return None
    base = {"platform": "local", "chat_id": body["user"], "user_id": body["user"]}
    if isinstance(body.get("payload"), str):
        return Incoming(kind="postback", payload=body["payload"][:300], **base)
    if body.get("event") == "follow":
        return Incoming(kind="follow", **base)
    if isinstance(body.get("text"), str):
        return Incoming(kind="text", text=body["text"][:MAX_TEXT * 2], **base)
    return None


def _reply_json(reply: Reply) -> dict[str, Any]:
    return {"text": reply_text(reply),
            "choices": [{"label": c.label, "payload": c.payload} for c in flat_choices(reply)]}
