"""/broadcasts in a district office's staff chat: recent and scheduled broadcasts with their
status, counts and when they go; a 取消 button under each that can still be stopped, with a
confirm step (issue 22). Role checks as /broadcast's."""

from __future__ import annotations

from bot.broadcasts.message import audience_label, goes_at
from bot.broadcasts.readers import CastView
from bot.common.times import shown
from bot.core.buttons import Press, choice
from bot.core.types import Choice, Context, Effect, Incoming, Text, Turn
from bot.handlers import menu
from bot.handlers.deps import Deps
from bot.proposals.view import ALL_DISTRICTS

CANCEL, CANCEL_OK = "broadcast.cancel", "broadcast.cancel_ok"
STOPPABLE = ("scheduled", "sending")
SHOWN = 10


def _say(ctx: Context, deps: Deps, key: str, choices: tuple[Choice, ...] = (),
         **params: object) -> Turn:
    return Turn(ctx, (Text(deps.content.t(key, ctx.locale, **params), choices),),
                meta={"intent": "broadcasts"})


async def _allowed(msg: Incoming, deps: Deps) -> tuple[str | None, frozenset[str]]:
    """(the group's district, the sender's roles); district None when this is no staff chat."""
    district = await deps.broadcasts.district_of_chat(msg.platform, msg.chat_id)
    roles = await deps.proposals.staff_districts(msg.platform, msg.user_id)
    return district, roles


async def _refusal(msg: Incoming, ctx: Context, deps: Deps) -> Turn | None:
    district, roles = await _allowed(msg, deps)
    if district is None:
        return _say(menu.idle(ctx, ctx.locale), deps, "broadcast.not_staff_chat")
    if district not in roles and ALL_DISTRICTS not in roles:
        return _say(menu.idle(ctx, ctx.locale), deps, "broadcast.refused", district=district)
    return None


def line_of(deps: Deps, cast: CastView, lang: str) -> str:
    """「#12 已排定｜士林區活動通知訂閱者｜2026-12-09（三）08:00｜共 0・已送達 0…」"""
    t = deps.content.t
    goes = goes_at(cast.run_at, deps.broadcasts.quiet, cast.urgent)
    when = shown(goes, lang) if goes == cast.run_at else t(
        "broadcast.report.deferred", lang, goes=shown(goes, lang), asked=shown(cast.run_at, lang))
    return t("broadcasts.line", lang, id=cast.id, status=t(f"broadcasts.status.{cast.status}",
                                                           lang),
             audience=audience_label(deps.content, cast.audience, lang, cast.event), when=when,
             total=f"{cast.total:,}", sent=f"{cast.sent:,}", failed=f"{cast.failed:,}",
             skipped=f"{cast.skipped:,}")


async def list_broadcasts(msg: Incoming, ctx: Context, deps: Deps, lang: str) -> Turn:
    """/broadcasts: this district's broadcasts (every district's for city-wide staff)."""
    refusal = await _refusal(msg, ctx, deps)
    if refusal is not None:
        return refusal
    district, roles = await _allowed(msg, deps)
    wanted = None if ALL_DISTRICTS in roles else frozenset({str(district)})
    casts = await deps.broadcasts.recent(wanted, SHOWN)
    if not casts:
        return _say(ctx, deps, "broadcasts.none")
    lines = [deps.content.t("broadcasts.title", ctx.locale)]
    lines += [line_of(deps, c, ctx.locale) for c in casts]
    buttons = tuple(choice(deps.content.t("broadcasts.button.cancel", ctx.locale, id=c.id),
                           CANCEL, str(c.id)) for c in casts if c.status in STOPPABLE)
    return Turn(ctx, (Text("\n".join(lines), buttons),), meta={"intent": "broadcasts"})


async def _stoppable(msg: Incoming, press: Press, ctx: Context,
                     deps: Deps) -> CastView | Turn:
    refusal = await _refusal(msg, ctx, deps)
    if refusal is not None:
        return refusal
    cast = await deps.broadcasts.cast(int(press.arg)) if press.arg.isdigit() else None
    district, roles = await _allowed(msg, deps)
    if cast is None or (ALL_DISTRICTS not in roles and cast.district != district):
        return _say(ctx, deps, "broadcasts.not_found", id=press.arg[:12])
    if cast.status not in STOPPABLE:
        status = deps.content.t(f"broadcasts.status.{cast.status}", ctx.locale)
        return _say(ctx, deps, "broadcasts.too_late", id=cast.id, status=status)
    return cast


async def press_cancel(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """取消 #n: ask first."""
    cast = await _stoppable(msg, press, ctx, deps)
    if isinstance(cast, Turn):
        return cast
    ok = choice(deps.content.t("broadcasts.button.confirm", ctx.locale, id=cast.id), CANCEL_OK,
                str(cast.id))
    return _say(ctx, deps, "broadcasts.confirm", (ok,), line=line_of(deps, cast, ctx.locale))


async def press_cancel_ok(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """確定取消 #n: cancelled (a broadcast that started meanwhile: what was sent is kept)."""
    cast = await _stoppable(msg, press, ctx, deps)
    if isinstance(cast, Turn):
        return cast
    effect = Effect("broadcast_cancel", {"id": cast.id, "from": list(STOPPABLE)})
    turn = _say(ctx, deps, "broadcasts.cancelled", id=cast.id, sent=f"{cast.sent:,}")
    return Turn(turn.context, turn.replies, (effect,), turn.meta)
