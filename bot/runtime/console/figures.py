"""Figures per district and month: questions asked and answered, the most asked unanswered
(as `run.py faq-report` groups them), 👍 / 👎, proposals by status, registrations and the
attendance rate, tickets and the median time to first answer, broadcast reach; SVG charts.

Questions and feedback carry no district (nothing about where a resident lives is kept with
them), so those figures are city-wide; the page says so."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from tortoise.functions import Count

from bot.handlers.deps import DEPS
from bot.nlp.clusters import cluster, settle
from bot.proposals.dates import TAIPEI
from bot.runtime.console import charts
from bot.runtime.console.auth import Who, page, refuse, render
from bot.runtime.console.tickets import first_answers
from bot.storage.models import (
    Broadcast,
    Event,
    EventRegistration,
    Feedback,
    InboundEvent,
    Proposal,
    Ticket,
    Unanswered,
)

TOP = 10


@dataclass(frozen=True)
class Window:
    """A calendar month in Taipei, as UTC bounds."""

    label: str
    start: datetime
    end: datetime


def month(text: str) -> Window:
    """The month "YYYY-MM" (this month in Taipei when missing or malformed)."""
    now = datetime.now(TAIPEI)
    found = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    y, m = (int(found[1]), int(found[2])) if found and 1 <= int(found[2]) <= 12 else (
        now.year, now.month)
    start = datetime(y, m, 1, tzinfo=TAIPEI)
    end = datetime(y + m // 12, m % 12 + 1, 1, tzinfo=TAIPEI)
    return Window(f"{y:04d}-{m:02d}", start.astimezone(UTC), end.astimezone(UTC))


def _in(query: Any, field: str, w: Window, districts: list[str] | None) -> Any:
    query = query.filter(**{f"{field}__gte": w.start, f"{field}__lt": w.end})
    return query if districts is None else query.filter(district__in=districts)


async def proposals(w: Window, districts: list[str] | None) -> dict[str, int]:
    """Proposals submitted in the month, by their status now."""
    rows = await _in(Proposal.all(), "submitted_at", w, districts).group_by("status").annotate(
        n=Count("id")).values("status", "n")
    return {str(r["status"]): int(r["n"]) for r in rows}


async def events(w: Window, districts: list[str] | None) -> dict[str, Any]:
    """Seats taken and check-ins for the month's events; the rate over those that ended."""
    evs = await _in(Event.all(), "starts", w, districts).order_by("starts")
    per: list[tuple[str, int, int]] = []
    ended_reg = ended_in = 0
    now = datetime.now(UTC)
    for ev in evs:
        regs = EventRegistration.filter(event_id=ev.id, status="registered")
        taken, came = await regs.count(), await regs.filter(checked_in_at__isnull=False).count()
        per.append((str(ev.title), taken, came))
        if ev.ends <= now:
            ended_reg, ended_in = ended_reg + taken, ended_in + came
    rate = round(100 * ended_in / ended_reg) if ended_reg else None
    return {"count": len(evs), "registered": sum(p[1] for p in per),
            "checked_in": sum(p[2] for p in per), "rate": rate, "per": per}


async def tickets(w: Window, districts: list[str] | None) -> dict[str, Any]:
    """Tickets opened in the month; how many closed; the median time to a first answer."""
    rows = await _in(Ticket.all(), "created_at", w, districts)
    firsts = await first_answers([r.id for r in rows])
    waits = [(firsts[r.id] - r.created_at).total_seconds() for r in rows if r.id in firsts]
    median = timedelta(seconds=statistics.median(waits)) if waits else None
    return {"count": len(rows), "closed": sum(r.status == "closed" for r in rows),
            "answered": len(waits), "median": median}


async def reach(w: Window, districts: list[str] | None) -> dict[str, int]:
    """Staff broadcasts sent in the month: how many, to how many, delivered to how many."""
    rows = await _in(Broadcast.filter(kind="broadcast"), "run_at", w, districts)
    gone = [r for r in rows if r.status in ("done", "sending", "stopped")]
    return {"count": len(gone), "total": sum(r.total for r in gone),
            "sent": sum(r.sent for r in gone)}


async def questions(w: Window) -> dict[str, Any]:
    """City-wide: messages received, unanswered (clustered), 👍 / 👎."""
    window = {"created_at__gte": w.start, "created_at__lt": w.end}
    rows = await Unanswered.filter(**window).values_list("text", "reason")
    open_rows, picked = settle([(str(t), str(r)) for t, r in rows])
    marks = await Feedback.filter(**window).values_list("helpful", flat=True)
    received = await InboundEvent.filter(received_at__gte=w.start, received_at__lt=w.end) \
        .count()
    return {"received": received, "unanswered": len(open_rows), "picked": picked,
            "top": cluster([t for t, _ in open_rows])[:TOP],
            "up": sum(1 for m in marks if m), "down": sum(1 for m in marks if not m)}


@page()
async def overview(request: web.Request, who: Who) -> web.Response:
    """/staff/figures?district=...&month=YYYY-MM"""
    deps = request.app[DEPS]
    w = month(request.query.get("month", ""))
    choices = who.districts([d.id for d in deps.spec.districts])
    district = request.query.get("district", "")
    if district and district not in choices:
        return refuse(request, who)
    scope = [district] if district else (None if who.everywhere else choices)
    by_status = await proposals(w, scope)
    ev, tk = await events(w, scope), await tickets(w, scope)
    qs = await questions(w)
    status_items = [(deps.content.t(f"status.{s}"), float(n)) for s, n in by_status.items()]
    return render(
        request, "figures.html", who, title=f"統計 {w.label}", w=w, district=district,
        districts=choices, by_status=status_items, proposals_total=sum(by_status.values()),
        ev=ev, tk=tk, bc=await reach(w, scope), qs=qs,
        chart_status=charts.bars("本月提案（依目前狀態）", status_items, " 件"),
        chart_events=charts.bars("各場次報名與報到", [
            (f"{t[:8]} 報名", float(r)) for t, r, _ in ev["per"]] + [
            (f"{t[:8]} 報到", float(c)) for t, _, c in ev["per"]], " 人"),
        chart_feedback=charts.bars("回答的評價", [("👍 有幫助", float(qs["up"])),
                                             ("👎 沒幫助", float(qs["down"]))], " 次"))


def add_routes(app: web.Application) -> None:
    """The figures page."""
    app.router.add_get("/staff/figures", overview)
