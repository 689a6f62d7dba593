"""Who is asking: the session cookie, the roles read again on every request, the CSRF token
of every form; sign-in by one-time link and sign-out."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from bot.proposals.view import ALL_DISTRICTS
from bot.runtime.services import SERVICES
from bot.storage import console as store

COOKIE = "staff_session"
LINK_ROUTE = "/staff/login/{token}"  # also in bot.common.logs.SECRET_ROUTES
STAFF, TICKETS = "staff", "tickets"  # what a page needs: a district role, or tickets access
# Pages never cached, never framed; only our own stylesheet; forms post only here.
HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": ("default-src 'none'; style-src 'self'; img-src 'self' data:; "
                                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
}


@dataclass(frozen=True)
class Who:
    """The signed-in person, with the roles they have right now."""

    platform: str
    user_id: str
    roles: store.Roles
    csrf: str

    @property
    def actor(self) -> str:
        """How changes name them (the same form as the chat's staff actions)."""
        return f"staff:{self.platform}:{self.user_id}"

    @property
    def staff(self) -> bool:
        """True with a role for at least one district."""
        return bool(self.roles.districts)

    @property
    def tickets(self) -> bool:
        """Volunteers and district staff (their leads) see tickets."""
        return self.roles.volunteer or self.staff

    @property
    def everywhere(self) -> bool:
        """A role for every district."""
        return ALL_DISTRICTS in self.roles.districts

    def sees(self, district: str) -> bool:
        """True when a role covers this district."""
        return self.everywhere or district in self.roles.districts

    def districts(self, all_ids: list[str]) -> list[str]:
        """The districts this person may pick, in the content's order."""
        return [d for d in all_ids if self.sees(d)]


View = Callable[[web.Request, Who], Awaitable[web.StreamResponse]]


def page(need: str = STAFF) -> Callable[[View], Callable[[web.Request],
                                                          Awaitable[web.StreamResponse]]]:
    """Wrap a view: signed in, the role it needs, and (for a POST) the form's CSRF token."""
    def wrap(view: View) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handler(request: web.Request) -> web.StreamResponse:
            who = await current(request)
            if who is None:
                return render(request, "signin.html", None, code=401)
            if (need == STAFF and not who.staff) or (need == TICKETS and not who.tickets):
                return refuse(request, who)
            if request.method == "POST":
                form = await request.post()
                sent = str(form.get("csrf", "")).encode()  # bytes: any text compares safely
                if not hmac.compare_digest(sent, who.csrf.encode()):
                    return render(request, "error.html", who, code=403,
                                  message="表單已過期或來源不明，請重新整理頁面後再試一次。")
            return await view(request, who)
        return handler
    return wrap


async def current(request: web.Request) -> Who | None:
    """The session's person with their roles now; None without a live session or any role."""
    row = await store.session(request.cookies.get(COOKIE, ""))
    if row is None:
        return None
    roles = await store.roles_of(row.platform, row.user_id)
    if not roles.any:
        return None
    return Who(row.platform, row.user_id, roles, row.csrf)


def render(request: web.Request, template: str, who: Who | None, code: int = 200,
           **values: Any) -> web.Response:
    """A page from its template, with the navigation and the security headers."""
    resp = aiohttp_jinja2.render_template(template, request, {"who": who, "path": request.path,
                                                              **values}, status=code)
    resp.headers.update(HEADERS)
    return resp


def refuse(request: web.Request, who: Who) -> web.Response:
    """403: not this person's district or page."""
    return render(request, "error.html", who, code=403,
                  message="您沒有這個頁面的權限（不是您負責的行政區或工作）。")


def missing(request: web.Request, who: Who) -> web.Response:
    """404 in words."""
    return render(request, "error.html", who, code=404, message="找不到這個項目。")


def number(raw: object) -> int | None:
    """A row id from a query or form (None unless 1-18 ASCII digits)."""
    text = str(raw or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def back(location: str) -> web.Response:
    """303 to a page after a change (reloading it does not post again)."""
    return web.Response(status=303, headers={**HEADERS, "Location": location})


async def link_page(request: web.Request) -> web.Response:
    """GET of a sign-in link: a button to sign in (a link preview must not use it up)."""
    problem = await store.link_problem(request.match_info["token"])
    if problem is not None:
        return render(request, "link.html", None, code=410, problem=problem)
    return render(request, "link.html", None, problem=None)


async def link_use(request: web.Request) -> web.StreamResponse:
    """POST of a sign-in link: use it once, start a 12-hour session, go to the console."""
    used = await store.use_link(request.match_info["token"])
    if isinstance(used, str):
        return render(request, "link.html", None, code=410, problem=used)
    if not (await store.roles_of(used.platform, used.user_id)).any:
        return render(request, "link.html", None, code=403, problem="norole")
    token, _ = await store.start_session(used.platform, used.user_id)
    resp = back("/staff")
    secure = request.app[SERVICES].settings.public_url.startswith("https://")
    resp.set_cookie(COOKIE, token, max_age=int(store.SESSION_LIFE.total_seconds()),
                    path="/staff", httponly=True, samesite="Lax", secure=secure)
    return resp


@page(TICKETS)
async def logout(request: web.Request, who: Who) -> web.StreamResponse:
    """Sign this browser out."""
    await store.end_session(request.cookies.get(COOKIE, ""))
    resp = back("/staff/bye")
    resp.del_cookie(COOKIE, path="/staff")
    return resp


async def bye(request: web.Request) -> web.Response:
    """After signing out."""
    return render(request, "signin.html", None, bye=True)


@page(TICKETS)
async def home(request: web.Request, who: Who) -> web.Response:
    """The start page: what this person can open."""
    return render(request, "home.html", who)


def add_routes(app: web.Application) -> None:
    """Sign-in, sign-out and the start page."""
    app.router.add_get(LINK_ROUTE, link_page)
    app.router.add_post(LINK_ROUTE, link_use)
    app.router.add_post("/staff/logout", logout)
    app.router.add_get("/staff/bye", bye)
    app.router.add_get("/staff", home)
