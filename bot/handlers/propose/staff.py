"""The district office in its staff chat: status buttons, the note for the resident, /whoami.

Only people with a role for the proposal's district (or every district) may act; the change
itself is an effect ("proposal_status") whose conditional update makes a second, stale press
re-run on fresh data and get "already ... no change".
"""

from __future__ import annotations

from dataclasses import replace

from bot.core.buttons import Press
from bot.core.serialize import reply_to_dict
from bot.core.types import Context, Effect, Incoming, Text, Turn
from bot.handlers import menu
from bot.handlers.deps import Deps
from bot.handlers.propose.show import status_name
from bot.handlers.propose.staff_card import resident_notice, staff_card
from bot.handlers.roles import whoami_hint
from bot.proposals.fields import clean
from bot.proposals.view import ALL_DISTRICTS, ProposalView

NOTE_STATE = "staff_note"  # waiting for the note (a reply to the bot's question)
NOTE_MIN, NOTE_MAX = 2, 500


async def press_status(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """A staff status button: check the role and the move, then ask for a note or change it."""
    ref, _, new = press.arg.partition(":")
    if not ref or new not in deps.spec.statuses:
        return _say(ctx, deps, "staff.bad_button")
    p = await deps.proposals.by_ref(ref)
    refusal = await _refusal(msg, ctx, deps, p, ref)
    if refusal is not None or p is None:
        return refusal or _say(ctx, deps, "staff.bad_button")
    if not deps.spec.can_move(p.status, new):
        return _already(ctx, deps, p)
    if new in deps.spec.notes_required:
        return _ask_note(ctx, deps, p, new, msg.message_id)
    return change(msg, ctx, deps, p, new, "", "pressed")


async def on_note(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    """The note typed after 需補件 or 不受理: check it, then make the change."""
    lang, t = ctx.locale, deps.content.t
    note = clean(msg.text)
    if len(note) < NOTE_MIN:
        return Turn(ctx, (Text(t("staff.note_too_short", lang, min=NOTE_MIN)),))
    if len(note) > NOTE_MAX:
        text = t("staff.note_too_long", lang, max=NOTE_MAX, length=len(note))
        return Turn(ctx, (Text(text),))
    ref, old, new, card = (str(ctx.data.get(k, "")) for k in ("ref", "old", "new", "card"))
    ctx = menu.idle(ctx, lang)
    p = await deps.proposals.by_ref(ref) if ref else None
    refusal = await _refusal(msg, ctx, deps, p, ref)
    if refusal is not None or p is None:
        return refusal or _say(ctx, deps, "staff.bad_button")
    if p.status != old or not deps.spec.can_move(old, new):
        return _already(ctx, deps, p)  # someone else moved it while the note was written
    return change(msg, ctx, deps, p, new, note, card)


def change(msg: Incoming, ctx: Context, deps: Deps, p: ProposalView, new: str,
           note: str, card: str = "") -> Turn:
    """Move the proposal (an effect), tell its resident, and change the office's card in
    place (card: "pressed" or the card's message id): new status, who and when, the next
    steps' buttons (none once final), so no old card keeps live buttons."""
    lang, t = ctx.locale, deps.content.t
    actor = f"staff:{msg.platform}:{msg.user_id}"
    effects = [Effect("proposal_status", {"ref": p.ref, "old": p.status, "new": new,
                                          "note": note, "actor": actor})]
    after = replace(p, status=new, note=note)
    if p.user_id is not None:  # None: the resident deleted their data; nobody to tell
        notice = resident_notice(deps, after, new, note, p.locale)
        # Unique per press, the same when a conflict re-runs the turn: never sent twice.
        when = msg.event_key or deps.clock().isoformat()
        effects.append(Effect("notify", {
            "platform": p.platform, "chat_id": p.user_id, "replies": [reply_to_dict(notice)],
            "key": f"status:{p.ref}:{new}:{msg.platform}:{when}"}))
    key = "staff.changed" if p.user_id is not None else "staff.changed_unnotified"
    done = Text(t(key, lang, ref=p.ref, status=status_name(deps, new, lang)))
    shown = replace(staff_card(deps, after, lang, actor=msg.name or msg.user_id,
                               at=deps.clock()), edit=card)
    return Turn(ctx, (shown, done) if card else (done, shown), tuple(effects),
                {"intent": "staff", "status": new})


async def whoami(msg: Incoming, ctx: Context, deps: Deps, lang: str) -> Turn:
    """/whoami: this chat's id and the user's id, for setting up staff chats and roles; in a
    staff chat or the volunteers' group the hint names that chat's commands."""
    role = await deps.chats.role_of(msg.platform, msg.chat_id) if msg.is_group else None
    text = deps.content.t("whoami", lang, chat_id=msg.chat_id, user_id=msg.user_id,
                          platform=msg.platform, hint=whoami_hint(deps.content, role, lang))
    return Turn(replace(ctx, locale=lang), (Text(text),), meta={"intent": "whoami"})


async def _refusal(msg: Incoming, ctx: Context, deps: Deps, p: ProposalView | None,
                   ref: str) -> Turn | None:
    """A refusal when the proposal is gone or the presser has no role for its district."""
    if p is None:
        return _say(ctx, deps, "staff.not_found", ref=ref)
    districts = await deps.proposals.staff_districts(msg.platform, msg.user_id)
    if p.district in districts or ALL_DISTRICTS in districts:
        return None
    return _say(ctx, deps, "staff.refused", district=p.district)


def _ask_note(ctx: Context, deps: Deps, p: ProposalView, new: str, card: str) -> Turn:
    text = deps.content.t(f"staff.ask_note.{new}", ctx.locale, ref=p.ref, min=NOTE_MIN,
                          max=NOTE_MAX)
    data = {"ref": p.ref, "old": p.status, "new": new, "card": card}
    return Turn(replace(ctx, state=NOTE_STATE, data=data), (Text(text),),
                meta={"intent": "staff"})


def _already(ctx: Context, deps: Deps, p: ProposalView) -> Turn:
    status = status_name(deps, p.status, ctx.locale)
    return _say(ctx, deps, "staff.already", ref=p.ref, status=status)


def _say(ctx: Context, deps: Deps, key: str, **params: object) -> Turn:
    return Turn(ctx, (Text(deps.content.t(key, ctx.locale, **params)),),
                meta={"intent": "staff"})
