"""The local web chat: a page at / and a JSON endpoint running the same dispatcher."""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.adapters.body import BadBody, parse_json
from bot.adapters.common import flat_choices, messages_only, reply_text
from bot.core.ports import LocalChat
from bot.core.types import Card, Carousel, Choice, Incoming, Reply

log = logging.getLogger("bot.web")
HERE = Path(__file__).parent
PAGE = HERE / "local_page.html"
ASSETS = {"/chat.css": (HERE / "local_page.css", "text/css"),
          "/chat.js": (HERE / "local_page.js", "application/javascript")}
PAGE_KEYS = ("web.title", "web.placeholder", "web.send", "web.label", "web.log", "web.offline")
USER_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_TEXT = 2000
# Only this server's own script and style: replies can never become code.
HEADERS = {"Content-Security-Policy": "default-src 'self'; script-src 'self'; "
           "style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
           "form-action 'self'; frame-ancestors 'none'",
           "X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}


CHAT = web.AppKey("local_chat", LocalChat)


def add_routes(app: web.Application, bot: LocalChat) -> None:
    """Serve the page, its style and script, and the chat endpoints, answered by bot."""
    app[CHAT] = bot
    app.router.add_get("/", page)
    for path in ASSETS:
        app.router.add_get(path, asset)
    app.router.add_post("/api/chat", chat)
    app.router.add_get("/api/poll", poll)


async def page(request: web.Request) -> web.Response:
    """The chat page, with its labels taken from content."""
    bot = request.app[CHAT]
    text = PAGE.read_text(encoding="utf-8")
    for key in PAGE_KEYS:
        text = text.replace("{{" + key + "}}", html.escape(bot.text(key)))
    return web.Response(text=text, content_type="text/html", charset="utf-8", headers=HEADERS)


async def asset(request: web.Request) -> web.Response:
    """The page's style sheet or script."""
    path, kind = ASSETS[request.path]
    return web.Response(text=path.read_text(encoding="utf-8"), content_type=kind,
                        charset="utf-8", headers=HEADERS)


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
    bot = request.app[CHAT]
    try:
        replies = messages_only(await bot.turn(msg))
    except Exception:
        log.exception("local chat turn failed")  # the log formatter redacts ids
        return _unavailable(bot)
    return web.json_response({"replies": [_reply_json(r) for r in replies]})


def _unavailable(bot: LocalChat) -> web.Response:
    text = bot.text("error.generic")
    return web.json_response({"error": "unavailable", "replies": [{"text": text, "choices": []}]},
                             status=503)


async def poll(request: web.Request) -> web.Response:
    """Messages pushed to a local user since the last call (reminders, staff replies)."""
    user = request.query.get("user", "")
    if not USER_ID.match(user):
        return web.json_response({"error": "need user"}, status=400)
    waiting = messages_only(request.app[CHAT].waiting(user))
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
    """A reply for the page: its text and every button (what any client can show), and for
    cards their parts (the page draws them as cards, each with its own buttons)."""
    found: dict[str, Any] = {"text": reply_text(reply), "choices": _choices(flat_choices(reply))}
    if isinstance(reply, Card):
        found.update(cards=[_card_json(reply)], after=[])
    elif isinstance(reply, Carousel):
        found.update(lead=reply.text, cards=[_card_json(c) for c in reply.cards],
                     after=_choices(reply.choices))
    return found


def _card_json(card: Card) -> dict[str, Any]:
    return {"title": card.title, "fields": [list(f) for f in card.fields], "body": card.body,
            "footer": card.footer, "url": card.url, "url_label": card.url_label,
            "choices": _choices(card.choices)}


def _choices(choices: tuple[Choice, ...]) -> list[dict[str, str]]:
    return [{"label": c.label, "payload": c.payload} for c in choices]
