"""/broadcast in a district office's Telegram staff group: text, audience, now or a time,
preview (audience per platform, LINE messages used, quota left), confirm.

Only people with a role for the group's district (or for every district) get past the first
step, and the role is checked again at every step. Telegram's privacy mode shows the bot only
replies to its own messages, so the text and the time are typed as replies. Nothing is sent
before 確認發送; a broadcast over the LINE quota cannot be confirmed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.broadcasts import effects
from bot.broadcasts.audiences import UnknownAudience, district_of
from bot.broadcasts.compose import START
from bot.broadcasts.message import (
    MAX_TEXT,
    audience_label,
    check_text,
    parse_time,
    preview_text,
    replies_for,
    scheduled_text,
)
from bot.broadcasts.readers import EventInfo
from bot.core.buttons import Press, choice
from bot.core.serialize import reply_to_dict
from bot.core.types import Choice, Context, Effect, Incoming, Text, Turn
from bot.events.spec import ID_MAX
from bot.handlers import broadcast_list, menu
from bot.handlers.broadcast_list import _allowed, _refusal
from bot.handlers.deps import Deps
from bot.handlers.feature import Action, Command, Feature, Wiring
from bot.handlers.ivoting import now_of
from bot.proposals.view import ALL_DISTRICTS
from bot.storage.jobs import JobHandler

TEXT, AUDIENCE, WHEN = "bc_text", "bc_aud", "bc_when"
STATES = (TEXT, AUDIENCE, WHEN)
AUDIENCE_PICK, NOW, AT, CONFIRM, URGENT, DROP = (
    "broadcast.audience", "broadcast.now", "broadcast.schedule", "broadcast.confirm",
    "broadcast.urgent", "broadcast.drop")
TO = "broadcast.for"  # an event's people (r:ID) or waiting list (w:ID): short, ids are long
MAX_EVENTS = 6


def _say(ctx: Context, deps: Deps, key: str, choices: tuple[Choice, ...] = (),
         **params: object) -> Turn:
    return Turn(ctx, (Text(deps.content.t(key, ctx.locale, **params), choices),),
                meta={"intent": "broadcast"})


async def start(msg: Incoming, ctx: Context, deps: Deps, lang: str) -> Turn:
    """/broadcast: check the chat and the role, then ask for the text."""
    ctx = replace(ctx, locale=lang)
    refusal = await _refusal(msg, ctx, deps)
    if refusal is not None:
        return refusal
    district, _ = await _allowed(msg, deps)
    ctx = replace(ctx, state=TEXT, data={"district": district})
    return _say(ctx, deps, "broadcast.ask_text", district=district, max=MAX_TEXT)


async def on_text(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    """A reply in the flow: the text, a typed audience code, or the time."""
    refusal = await _refusal(msg, ctx, deps)
    if refusal is not None:
        return refusal
    if ctx.state == TEXT:
        problem = check_text(msg.text)
        if problem is not None:
            return _say(ctx, deps, problem)
        return await _ask_audience(msg, replace(ctx, data={**ctx.data, "text": msg.text.strip()}),
                                   deps)
    if ctx.state == AUDIENCE:
        return await _choose(msg, ctx, deps, msg.text.strip())
    when = parse_time(msg.text, now_of(deps))
    if when is None:
        return _say(ctx, deps, "broadcast.error.time")
    return await _preview(msg, replace(ctx, data={**ctx.data, "at": when.isoformat()}), deps)


async def _ask_audience(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    district = str(ctx.data["district"])
    _, roles = await _allowed(msg, deps)
    codes = [f"district:{district}", f"ivoting:{district}"]
    if ALL_DISTRICTS in roles:
        codes = ["all", *codes, "ivoting"]
    buttons = [choice(audience_label(deps.content, c, ctx.locale), AUDIENCE_PICK, c)
               for c in codes]
    buttons += await _event_buttons(deps, district, roles, ctx.locale)
    return _say(replace(ctx, state=AUDIENCE), deps, "broadcast.ask_audience", tuple(buttons))


async def _event_buttons(deps: Deps, district: str, roles: frozenset[str],
                         lang: str) -> list[Choice]:
    """The district's upcoming events (全市 ones too for every-district staff): their people
    and their waiting list, by title and date (a payload carries the id, never the label)."""
    wanted = frozenset({district} | ({ALL_DISTRICTS} if ALL_DISTRICTS in roles else set()))
    found = [e for e in await deps.events.for_staff(wanted, now_of(deps))
             if e.status != "cancelled"][:MAX_EVENTS]
    buttons = []
    for e in found:
        info = EventInfo(e.id, e.title, e.starts)
        buttons += [choice(audience_label(deps.content, f"event:{e.id}", lang, info), TO,
                           f"r:{e.id}"),
                    choice(audience_label(deps.content, f"event:{e.id}:waiting", lang, info),
                           TO, f"w:{e.id}")]
    return buttons


async def press_event(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """An event's people (r:ID) or its waiting list (w:ID)."""
    if ctx.state != AUDIENCE:
        return menu.stale(ctx, deps)
    refusal = await _refusal(msg, ctx, deps)
    which, _, event_id = press.arg.partition(":")
    code = f"event:{event_id}" + (":waiting" if which == "w" else "")
    return refusal or await _choose(msg, ctx, deps, code)


async def press_audience(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """An audience button."""
    if ctx.state != AUDIENCE:
        return menu.stale(ctx, deps)
    refusal = await _refusal(msg, ctx, deps)
    return refusal or await _choose(msg, ctx, deps, press.arg)


async def _choose(msg: Incoming, ctx: Context, deps: Deps, code: str) -> Turn:
    """Check an audience (and the sender's right to it), then ask when."""
    try:
        belongs = await district_of(code)
    except UnknownAudience:
        return _say(ctx, deps, "broadcast.error.audience", audience=code[:40])
    district = str(ctx.data["district"])
    _, roles = await _allowed(msg, deps)
    if belongs is None:  # e.g. an event id that does not exist
        return _say(ctx, deps, "broadcast.error.audience", audience=code[:40])
    if ALL_DISTRICTS not in roles and belongs != district:  # citywide ones need every district
        return _say(ctx, deps, "broadcast.error.audience_refused", district=district)
    t = deps.content.t
    buttons = (choice(t("broadcast.button.now", ctx.locale), NOW),
               choice(t("broadcast.button.at", ctx.locale), AT),
               choice(t("broadcast.button.cancel", ctx.locale), DROP))
    ctx = replace(ctx, data={**ctx.data, "audience": code})
    return _say(ctx, deps, "broadcast.ask_when", buttons)


async def press_when(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """立即發送 goes to the preview; 指定時間 asks for the time (as a reply)."""
    if ctx.state != AUDIENCE or "audience" not in ctx.data:
        return menu.stale(ctx, deps)
    if press.action == AT:
        return _say(replace(ctx, state=WHEN), deps, "broadcast.ask_time")
    return await _preview(msg, replace(ctx, data={**ctx.data, "at": ""}), deps)


async def _preview(msg: Incoming, ctx: Context, deps: Deps, urgent: bool = False) -> Turn:
    data, lang, t = ctx.data, ctx.locale, deps.content.t
    replies = replies_for(deps.content, str(data["text"]), str(data["audience"]))
    try:
        p = await deps.broadcasts.preview(str(data["audience"]), replies)
    except UnknownAudience:
        return _say(ctx, deps, "broadcast.error.audience", audience=str(data["audience"]))
    at = datetime.fromisoformat(data["at"]) if data.get("at") else None
    now, quiet = now_of(deps), deps.broadcasts.quiet
    text = preview_text(deps.content, p, str(data["text"]), at, now, quiet, urgent, lang)
    cancel = choice(t("broadcast.button.cancel", lang), DROP)
    ctx = replace(ctx, state=AUDIENCE, data={**data, "urgent": urgent, "previewed": True})
    if p.over_quota or p.total == 0:
        key = "broadcast.over_quota" if p.over_quota else "broadcast.empty_audience"
        note = t(key, lang, cost=f"{p.line_cost:,}", remaining=f"{p.remaining or 0:,}")
        return Turn(ctx, (Text(f"{text}\n\n{note}", (cancel,)),), meta={"intent": "broadcast"})
    buttons = [choice(t("broadcast.button.ok", lang), CONFIRM)]
    if quiet.active(at or now) and not urgent:
        buttons.append(choice(t("broadcast.button.urgent", lang), URGENT))
    buttons.append(cancel)
    return Turn(ctx, (Text(text, tuple(buttons)),), meta={"intent": "broadcast"})


async def press_urgent(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """緊急發送: the same preview, marked urgent (sent even in quiet hours)."""
    if not ctx.data.get("previewed"):
        return menu.stale(ctx, deps)
    refusal = await _refusal(msg, ctx, deps)
    return refusal or await _preview(msg, ctx, deps, urgent=True)


async def press_confirm(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """確認發送: schedule the broadcast (an effect) and say when it goes out."""
    if not ctx.data.get("previewed"):
        return menu.stale(ctx, deps)
    refusal = await _refusal(msg, ctx, deps)
    if refusal is not None:
        return refusal
    data = ctx.data
    at = datetime.fromisoformat(data["at"]) if data.get("at") else None
    replies = replies_for(deps.content, str(data["text"]), str(data["audience"]))
    effect: dict[str, Any] = {
        "audience": data["audience"], "replies": [reply_to_dict(r) for r in replies],
        "run_at": (at or now_of(deps)).isoformat(), "district": data["district"],
        "urgent": bool(data.get("urgent")), "sender": [msg.platform, msg.chat_id, msg.user_id]}
    done = menu.idle(ctx, ctx.locale)
    text = scheduled_text(deps.content, at, now_of(deps), deps.broadcasts.quiet,
                          bool(data.get("urgent")), ctx.locale)
    turn = Turn(done, (Text(text),), (Effect("broadcast_create", effect),),
                {"intent": "broadcast"})
    return turn


async def press_drop(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """取消: nothing is sent."""
    if ctx.state not in STATES:
        return menu.stale(ctx, deps)
    return _say(menu.idle(ctx, ctx.locale), deps, "broadcast.dropped")


def _longest_audience(deps: Deps) -> str:
    longest = max((d.id for d in deps.spec.districts), key=lambda s: len(s.encode()))
    return f"district:{longest}"


def _jobs(wiring: Wiring) -> dict[str, JobHandler]:
    return {START: wiring.starter.run}


FEATURE = Feature(
    "broadcast",
    actions={AUDIENCE_PICK: Action(press_audience, old=("bc_aud",), longest=_longest_audience),
             TO: Action(press_event, longest=lambda d: "w:" + "e" * ID_MAX),
             NOW: Action(press_when, old=("bc_now",)),
             AT: Action(press_when, old=("bc_at",)),
             CONFIRM: Action(press_confirm, old=("bc_ok",)),
             URGENT: Action(press_urgent, old=("bc_urgent",)),
             DROP: Action(press_drop, old=("bc_no",)),
             broadcast_list.CANCEL: Action(broadcast_list.press_cancel, stateless=True,
                                           longest=lambda d: "9" * 12),
             broadcast_list.CANCEL_OK: Action(broadcast_list.press_cancel_ok, stateless=True,
                                              longest=lambda d: "9" * 12)},
    states=dict.fromkeys(STATES, on_text),
    commands={"broadcast": Command(start),
              "broadcasts": Command(broadcast_list.list_broadcasts)},
    effects={"broadcast_create": effects.create, "broadcast_cancel": effects.cancel},
    jobs=_jobs,
    cli=("broadcast",),
)
