"""Broadcasts: a list with status and counts, a page per broadcast with its report and a
cancel of what has not gone, and a compose form with the chat's preview and confirm step."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web
from tortoise.transactions import in_transaction

from bot.broadcasts import compose
from bot.broadcasts.audiences import UnknownAudience, district_of
from bot.broadcasts.message import (
    MAX_TEXT,
    PLATFORM_NAMES,
    audience_label,
    check_text,
    parse_time,
    preview_text,
    replies_for,
)
from bot.broadcasts.report import status_text
from bot.events.spec import CITYWIDE
from bot.handlers.deps import DEPS, Deps
from bot.proposals.view import ALL_DISTRICTS
from bot.runtime.console.auth import Who, back, missing, number, page, refuse, render
from bot.storage import broadcasts as store
from bot.storage import console as audit
from bot.storage.models import Broadcast

STATUS = {"scheduled": "已排程", "sending": "發送中", "done": "已完成", "cancelled": "已取消",
          "refused": "未發送（超過額度）", "stopped": "已停止", "expired": "已過期"}
FLASH = {"cancelled": "已取消，尚未發出的部分不會再發送。",
         "gone": "這則訊息已發送完畢或已停止，沒有可取消的部分。",
         "scheduled": "已排程發送。"}


def _mine(who: Who, cast: Broadcast) -> bool:
    return who.everywhere or str(cast.district) in who.roles.districts


@page()
async def listing(request: web.Request, who: Who) -> web.Response:
    """/staff/broadcasts"""
    query = Broadcast.filter(kind="broadcast")
    if not who.everywhere:
        query = query.filter(district__in=sorted(who.roles.districts))
    casts = await query.order_by("-created_at", "-id").limit(100)
    content = request.app[DEPS].content
    return render(request, "broadcasts.html", who, title="群發訊息", casts=casts,
                  status=STATUS, audience=lambda a: audience_label(content, a))


@page()
async def item(request: web.Request, who: Who) -> web.Response:
    """/staff/broadcast?id=...: the report, the message, cancel."""
    found = number(request.query.get("id"))
    cast = await store.get(found) if found is not None else None
    if cast is None:
        return missing(request, who)
    if not _mine(who, cast):
        return refuse(request, who)
    content = request.app[DEPS].content
    texts = [str(r.get("text", "")) for r in (cast.messages or {}).get("zh-TW", [])]
    sizes = "、".join(f"{PLATFORM_NAMES.get(k, k)} {v:,}" for k, v in
                      sorted((cast.per_platform or {}).items()))
    return render(request, "broadcast.html", who, title=f"群發 #{cast.id}", cast=cast,
                  report=status_text(content, cast, await store.reasons(cast.id)),
                  texts=texts, sizes=sizes or "—", status=STATUS,
                  audience=audience_label(content, cast.audience),
                  active=cast.status in store.ACTIVE, trail=await audit.trail(
                      "broadcast", str(cast.id)),
                  flash=FLASH.get(request.query.get("done", ""), ""))


@page()
async def cancel(request: web.Request, who: Who) -> web.StreamResponse:
    """POST /staff/broadcast/cancel: stop what has not gone yet."""
    found = number((await request.post()).get("id"))
    cast = await store.get(found) if found is not None else None
    if cast is None:
        return missing(request, who)
    if not _mine(who, cast):
        return refuse(request, who)
    if not await store.set_status(cast.id, "cancelled", "cancelled"):
        return back(f"/staff/broadcast?id={cast.id}&done=gone")
    await audit.audit("broadcast", str(cast.id), "cancel", who.actor)
    return back(f"/staff/broadcast?id={cast.id}&done=cancelled")


def audiences(who: Who, deps: Deps) -> list[tuple[str, str]]:
    """(code, words) of the audiences this person may send to."""
    districts = who.districts([d.id for d in deps.spec.districts])
    codes = [c for d in districts for c in (f"district:{d}", f"ivoting:{d}")]
    if who.everywhere:
        codes += ["ivoting", "all"]
    return [(c, audience_label(deps.content, c)) for c in codes]


@page()
async def new(request: web.Request, who: Who) -> web.Response:
    """/staff/broadcasts/new: the compose form."""
    return _form(request, who, {})


def _form(request: web.Request, who: Who, values: dict[str, str], problem: str = ""
          ) -> web.Response:
    return render(request, "broadcast_new.html", who, code=400 if problem else 200,
                  title="新增群發", audiences=audiences(who, request.app[DEPS]), v=values,
                  problem=problem, max_text=MAX_TEXT)


async def _checked(request: web.Request, who: Who) -> tuple[dict[str, str], str]:
    """The form's values and what is wrong with them ("" when nothing)."""
    form = await request.post()
    v = {k: str(form.get(k, "")).strip() for k in ("text", "audience", "at", "urgent")}
    deps = request.app[DEPS]
    if check_text(v["text"]) is not None:
        return v, f"請輸入要發送的內容（1–{MAX_TEXT} 字，目前 {len(v['text'])} 字）。"
    if v["audience"] not in dict(audiences(who, deps)):
        return v, "請選擇您可以發送的對象。"
    if v["at"] and parse_time(v["at"], datetime.now(UTC)) is None:
        return v, "發送時間需在現在到 60 天內（臺北時間）。"
    return v, ""


async def _preview(request: web.Request, v: dict[str, str]) -> tuple[str, bool]:
    """The chat's preview text, and whether it may be confirmed (someone to send to, quota)."""
    deps = request.app[DEPS]
    replies = replies_for(deps.content, v["text"], v["audience"])
    try:
        p = await deps.broadcasts.preview(v["audience"], replies)
    except UnknownAudience:
        return "這個對象不存在。", False
    now = datetime.now(UTC)
    at = parse_time(v["at"], now) if v["at"] else None
    text = preview_text(deps.content, p, v["text"], at, now, deps.broadcasts.quiet,
                        v["urgent"] == "1")
    if p.over_quota or p.total == 0:
        key = "broadcast.over_quota" if p.over_quota else "broadcast.empty_audience"
        note = deps.content.t(key, cost=f"{p.line_cost:,}", remaining=f"{p.remaining or 0:,}")
        return f"{text}\n\n{note}", False
    return text, True


@page()
async def preview(request: web.Request, who: Who) -> web.Response:
    """POST /staff/broadcasts/preview: the preview and the confirm button."""
    v, problem = await _checked(request, who)
    if problem:
        return _form(request, who, v, problem)
    text, ok = await _preview(request, v)
    return render(request, "broadcast_preview.html", who, title="發送預覽", v=v, text=text,
                  ok=ok)


@page()
async def confirm(request: web.Request, who: Who) -> web.StreamResponse:
    """POST /staff/broadcasts/confirm: schedule it (what the chat's confirm effect does)."""
    v, problem = await _checked(request, who)
    if problem:
        return _form(request, who, v, problem)
    _, ok = await _preview(request, v)
    district = await district_of(v["audience"])
    if not ok or district is None:
        return _form(request, who, v, "無法發送：對象沒有人或超過 LINE 額度，請看預覽。")
    deps, now = request.app[DEPS], datetime.now(UTC)
    at = parse_time(v["at"], now) if v["at"] else None
    async with in_transaction():
        cast_id = await compose.schedule(
            audience=v["audience"], replies=replies_for(deps.content, v["text"], v["audience"]),
            run_at=at or now, district=_owner(district), urgent=v["urgent"] == "1",
            sender=(who.platform, who.user_id, who.user_id))
        await audit.audit("broadcast", str(cast_id), "create", who.actor, v["text"][:200])
    return back(f"/staff/broadcast?id={cast_id}&done=scheduled")


def _owner(district: str) -> str:
    """The office a broadcast belongs to: its district, or '*' for a city-wide one."""
    return ALL_DISTRICTS if district == CITYWIDE else district


def add_routes(app: web.Application) -> None:
    """The broadcast pages."""
    app.router.add_get("/staff/broadcasts", listing)
    app.router.add_get("/staff/broadcasts/new", new)
    app.router.add_post("/staff/broadcasts/preview", preview)
    app.router.add_post("/staff/broadcasts/confirm", confirm)
    app.router.add_get("/staff/broadcast", item)
    app.router.add_post("/staff/broadcast/cancel", cancel)
