"""Proposals: a list by district and status (newest first, search by reference or words), a
page per proposal with its history and the chat's status actions, CSV / XLSX export."""

from __future__ import annotations

import json
import secrets

from aiohttp import web
from tortoise.transactions import in_transaction

from bot.core.types import Context, Incoming
from bot.handlers.deps import DEPS, Deps
from bot.handlers.propose import staff as chat_staff
from bot.proposals import export
from bot.proposals.fields import clean
from bot.proposals.view import ProposalView
from bot.runtime.console.auth import Who, back, missing, page, refuse, render
from bot.runtime.console.sheets import table
from bot.runtime.effects import apply_effects
from bot.storage import console as audit
from bot.storage.conversations import Conflict
from bot.storage.models import Proposal
from bot.storage.proposals import store

LIMIT = 500  # rows on one page; the export has them all
FLASH = {"changed": "狀態已變更，已通知提案人。",
         "unnotified": "狀態已變更（提案人已刪除資料，未通知）。",
         "conflict": "這件提案剛剛已被其他人變更，請看最新狀態。"}


async def filtered(who: Who, district: str, status: str, q: str) -> list[ProposalView]:
    """Submitted proposals this person may see that match the filters, newest first."""
    query = Proposal.filter(submitted_at__isnull=False)
    if not who.everywhere:
        query = query.filter(district__in=sorted(who.roles.districts))
    if district:
        query = query.filter(district=district)
    if status:
        query = query.filter(status=status)
    views = [store.view(r) for r in await query.order_by("-submitted_at", "-id")]
    words = q.split()
    if not words:
        return views
    return [p for p in views if all(_matches(p, w) for w in words)]


def _matches(p: ProposalView, word: str) -> bool:
    if p.ref and word.upper() in p.ref:
        return True
    text = " ".join([p.title, p.district, p.note, json.dumps(p.answers, ensure_ascii=False)])
    return word.casefold() in text.casefold()


def _filters(request: web.Request) -> tuple[str, str, str]:
    q = request.query
    return (q.get("district", "").strip(), q.get("status", "").strip(),
            q.get("q", "").strip()[:60])


def _statuses(deps: Deps) -> list[tuple[str, str]]:
    return [(s, deps.content.t(f"status.{s}")) for s in deps.spec.statuses if s != "draft"]


@page()
async def listing(request: web.Request, who: Who) -> web.Response:
    """/staff/proposals"""
    deps = request.app[DEPS]
    district, status, q = _filters(request)
    found = await filtered(who, district, status, q)
    return render(request, "proposals.html", who, title="提案", found=found[:LIMIT],
                  total=len(found), district=district, status=status, q=q,
                  districts=who.districts([d.id for d in deps.spec.districts]),
                  statuses=_statuses(deps), query=request.query_string,
                  name=lambda s: deps.content.t(f"status.{s}"))


@page()
async def download(request: web.Request, who: Who) -> web.Response:
    """/staff/proposals/export?format=csv|xlsx with the list's filters."""
    deps = request.app[DEPS]
    found = await filtered(who, *_filters(request))
    cols = export.columns(deps.content, deps.spec)
    rows = [[export.row(p, deps.content, deps.spec).get(k, "") for k, _ in cols] for p in found]
    return table([h for _, h in cols], rows, request.query.get("format", "csv"), "proposals")


async def _one(request: web.Request, who: Who, ref: str) -> ProposalView | web.Response:
    p = await request.app[DEPS].proposals.by_ref(ref) if 0 < len(ref) <= 24 else None
    if p is None or p.submitted_at is None:
        return missing(request, who)
    return p if who.sees(p.district) else refuse(request, who)


@page()
async def item(request: web.Request, who: Who) -> web.Response:
    """/staff/proposal?ref=...: the 構想書, its history and the status actions."""
    return await show(request, who, request.query.get("ref", ""))


async def show(request: web.Request, who: Who, ref: str, problem: str = "") -> web.Response:
    """A proposal's page (with the problem of a refused change, 400)."""
    deps = request.app[DEPS]
    p = await _one(request, who, ref)
    if isinstance(p, web.Response):
        return p
    cells = export.row(p, deps.content, deps.spec)
    fields = [(h, cells.get(k, "")) for k, h in export.columns(deps.content, deps.spec)]
    moves = [(s, deps.content.t(f"status.{s}"), s in deps.spec.notes_required)
             for s in deps.spec.statuses.get(p.status, ())]
    return render(request, "proposal.html", who, code=400 if problem else 200,
                  title=f"提案 {p.ref}", p=p, fields=fields, moves=moves,
                  history=await store.history(p.id), trail=await audit.trail("proposal", ref),
                  name=lambda s: deps.content.t(f"status.{s}"), problem=problem,
                  flash=FLASH.get(request.query.get("done", ""), ""),
                  note_min=chat_staff.NOTE_MIN, note_max=chat_staff.NOTE_MAX)


@page()
async def change_status(request: web.Request, who: Who) -> web.StreamResponse:
    """POST /staff/proposal/status: the chat's status change (same effects, same notice)."""
    deps, form = request.app[DEPS], await request.post()
    p = await _one(request, who, str(form.get("ref", "")))
    if isinstance(p, web.Response):
        return p
    new, note = str(form.get("new", "")), clean(str(form.get("note", "")))
    problem = _check(deps, p, new, note)
    if problem:
        return await show(request, who, str(p.ref), problem)
    # The chat's own code path: the same effects (status, history, the resident's notice).
    msg = Incoming(platform=who.platform, chat_id=who.user_id, user_id=who.user_id,
                   event_key=f"console:{secrets.token_hex(8)}")
    turn = chat_staff.change(msg, Context(), deps, p, new, note)
    try:
        async with in_transaction():
            await apply_effects([(msg, e) for e in turn.effects])
            await audit.audit("proposal", str(p.ref), f"status:{new}", who.actor, note)
    except Conflict:
        return back(f"/staff/proposal?ref={p.ref}&done=conflict")
    done = "changed" if p.user_id is not None else "unnotified"
    return back(f"/staff/proposal?ref={p.ref}&done={done}")


def _check(deps: Deps, p: ProposalView, new: str, note: str) -> str:
    t = deps.content.t
    if new not in deps.spec.statuses or not deps.spec.can_move(p.status, new):
        return f"這件提案目前是「{t(f'status.{p.status}')}」，不能改成這個狀態。"
    if new in deps.spec.notes_required and len(note) < chat_staff.NOTE_MIN:
        return f"「{t(f'status.{new}')}」需要給提案人的說明（至少 {chat_staff.NOTE_MIN} 個字）。"
    if len(note) > chat_staff.NOTE_MAX:
        return f"說明最多 {chat_staff.NOTE_MAX} 個字（目前 {len(note)} 個字）。"
    return ""


def add_routes(app: web.Application) -> None:
    """The proposal pages."""
    app.router.add_get("/staff/proposals", listing)
    app.router.add_get("/staff/proposals/export", download)
    app.router.add_get("/staff/proposal", item)
    app.router.add_post("/staff/proposal/status", change_status)
