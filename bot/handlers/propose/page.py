"""The printable 構想書 page: at an unguessable URL, every value HTML-escaped."""

from __future__ import annotations

import html
import re
from pathlib import Path

from aiohttp import web

from bot.handlers.deps import DEPS, Deps
from bot.handlers.propose.show import display, status_name
from bot.proposals.dates import local_date
from bot.proposals.view import ProposalView
from bot.storage.proposals.store import by_token

TEMPLATE = Path(__file__).with_name("page.html")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,32}$")
HEADERS = {
    # The link is the only key: keep the page out of caches, referrers and search engines.
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
}


def render(deps: Deps, p: ProposalView, lang: str = "zh-TW") -> str:
    """The whole page for one proposal (contact details masked)."""
    t, answers = deps.content.t, {**p.everything(), **_masked(p)}
    rows = []
    for step in deps.spec.asked(answers):
        label = t(f"propose.field.{step.field}", lang)
        value = display(deps, step.field, answers, lang)
        rows.append(f"<dt>{html.escape(label)}</dt><dd>{html.escape(value)}</dd>")
    status = status_name(deps, p.status, lang)
    date = local_date(p.submitted_at) if p.submitted_at else "-"
    meta = t("page.meta", lang, ref=p.ref or "-", district=p.district or "-", status=status,
             date=date)
    values = {"heading": t("page.heading", lang), "title": p.title or t("propose.untitled"),
              "meta": meta, "footer": t("page.footer", lang)}
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", html.escape(value))
    if p.status == "draft":
        text = text.replace("<h1>", f'<p class="draft">{html.escape(t("page.draft"))}</p><h1>')
    return text.replace("{{fields}}", "\n".join(rows))


def _masked(p: ProposalView) -> dict[str, str]:
    # Anyone holding the link can read the page: show only enough for the resident to
    # recognise their details; the district office has them in full.
    contact = p.contact or {}
    masked = {}
    if contact.get("contact_name"):
        masked["contact_name"] = contact["contact_name"][:1] + "○" * \
            max(1, len(contact["contact_name"]) - 1)
    if contact.get("contact_phone"):
        phone = contact["contact_phone"]
        masked["contact_phone"] = phone[:4] + "*" * max(0, len(phone) - 7) + phone[-3:]
    return masked


def not_found(deps: Deps, lang: str = "zh-TW") -> str:
    """The page for a link that leads nowhere: what happened and what to do, in zh-TW."""
    t = deps.content.t
    values = {"heading": t("page.heading", lang), "title": t("page.not_found.title", lang),
              "meta": t("page.not_found.body", lang), "footer": "", "fields": ""}
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", html.escape(value))
    return text


async def respond(deps: Deps, token: str) -> web.Response:
    """The page for GET /p/{token}: a 404 page for a token that is malformed or unknown."""
    found = await by_token(token) if TOKEN.match(token) else None
    if found is None:
        return web.Response(status=404, text=not_found(deps), content_type="text/html",
                            charset="utf-8", headers=HEADERS)
    return web.Response(text=render(deps, found), content_type="text/html", charset="utf-8",
                        headers=HEADERS)


def add_routes(app: web.Application) -> None:
    """Serve proposals' printable pages at GET /p/{token}."""
    app.router.add_get("/p/{token}", printable)


async def printable(request: web.Request) -> web.Response:
    """A proposal's printable page (the unguessable token is the only key)."""
    return await respond(request.app[DEPS], request.match_info["token"])
