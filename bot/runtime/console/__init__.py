"""The staff console under /staff: district offices and volunteer leads in a browser.

Server-rendered with Jinja2 (aiohttp-jinja2), no front-end build; signed in by a one-time
link from Telegram (`/console`, `run.py staff link`). Modules: auth.py (link, session, roles,
CSRF), proposals.py, events.py, tickets.py, broadcasts.py, figures.py (with charts.py),
sheets.py (CSV and XLSX); templates/ and static/ beside them. README, "Staff console".
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.proposals.dates import TAIPEI
from bot.runtime.console import auth, broadcasts, events, figures, proposals, tickets

HERE = Path(__file__).parent


def taipei(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored time as Taipei local time ("" for none)."""
    return value.astimezone(TAIPEI).strftime(fmt) if value is not None else ""


def span(value: timedelta | None) -> str:
    """A duration in words: 3 天 4 小時, 2 小時 5 分, 7 分."""
    if value is None:
        return "—"
    minutes = max(int(value.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} 天 {hours} 小時"
    return f"{hours} 小時 {mins} 分" if hours else f"{mins} 分"


def add_routes(app: web.Application) -> None:
    """The console's pages, its stylesheet and its template environment."""
    env = aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(HERE / "templates"),
                               autoescape=True)
    env.filters.update(taipei=taipei, span=span)
    app.router.add_get("/staff/console.css", _stylesheet)
    for module in (auth, proposals, events, tickets, broadcasts, figures):
        module.add_routes(app)


async def _stylesheet(request: web.Request) -> web.FileResponse:
    return web.FileResponse(HERE / "static" / "console.css",
                            headers={"Cache-Control": "max-age=3600"})
