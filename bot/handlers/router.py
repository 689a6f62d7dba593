"""The routing table: lifecycle events, buttons, global commands, flow states, fallback.

Order of a turn (first match wins):
1. follow / unfollow;  2. button presses (stale ones get a polite answer);
3. in a group: a volunteer's answer in a ticket's topic or reply (other messages the bot sees
   without being addressed are ignored);
4. global commands typed as text (menu, help, cancel, mydata, whoami, 結束, 找真人, /tickets);
5. the handler of the current flow state;  6. the resident's open ticket (their messages go
   to the volunteers);  7. the fallback: understand and answer.
An open ticket's number rides in ctx.data["ticket"] through every turn until it closes.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

from bot.core.buttons import Press, is_stale, parse, stamp
from bot.core.types import Context, Effect, Incoming, Text, Turn
from bot.handlers import broadcast, broadcast_news, ivoting, menu, privacy
from bot.handlers.deps import Deps
from bot.handlers.events import browse as events
from bot.handlers.events import mine as events_mine
from bot.handlers.events import signup as events_signup
from bot.handlers.events import staff as events_staff
from bot.handlers.faq import answer as qa
from bot.handlers.faq import presses as actions
from bot.handlers.handoff import resident as handoff
from bot.handlers.handoff import ticket as handoff_ticket
from bot.handlers.handoff import volunteer, volunteer_list
from bot.handlers.propose import review as propose_review
from bot.handlers.propose import staff
from bot.handlers.propose import wizard as propose
from bot.tickets import render

ActionHandler = Callable[[Incoming, Press, Context, Deps], Turn | Awaitable[Turn]]
StateHandler = Callable[[Incoming, Context, Deps], Awaitable[Turn]]

ACTIONS: dict[str, ActionHandler] = {
    "topics": actions.topics,
    "topic": actions.topic,
    "faq": ivoting.faq_press,
    "more": actions.more,
    "fb": actions.feedback,
    "nomatch": actions.none_of_these,
    "pick": qa.pick,
    "flow": qa.press_flow,
    "menu": lambda m, p, c, d: menu.show_menu(m, c, d, c.locale),
    "help": lambda m, p, c, d: menu.show_help(m, c, d, c.locale),
    "mydata_delete": lambda m, p, c, d: privacy.ask_confirm(c, d),
    "mydata_confirm": lambda m, p, c, d: privacy.confirm(c, d),
    "mydata_keep": lambda m, p, c, d: privacy.keep(c, d),
    "propose": lambda m, p, c, d: propose_review.start(m, c, d, c.locale),
    "myprops": lambda m, p, c, d: propose_review.my_proposals(m, c, d, c.locale),
    "pv": propose.press_value,
    "pb": propose.press_back,
    "ps": propose.press_skip,
    "pk": propose.press_keep,
    "pr": propose_review.press_resume,
    "pp": propose_review.press_preview,
    "pe": propose_review.press_edit,
    "st": staff.press_status,
    handoff.ACTION: handoff.press_start,
    "hq": handoff.press_use_asked,
    "hd": handoff.press_district,
    "hy": handoff.press_agree,
    "hn": handoff.press_never_mind,
    render.END: handoff_ticket.press_end,
    render.RATE: handoff_ticket.press_rate,
    render.CLAIM: volunteer.press_claim,
    render.CLOSE: volunteer.press_close,
    render.TO_FAQ: volunteer.press_to_faq,
    render.SEND: volunteer.press_send,
    "events": events.press_browse,
    "evp": events.press_more,
    "evr": events_signup.press_register,
    "evc": events_signup.press_consent,
    "evn": events_signup.press_name,
    "myevents": events_mine.press_mine,
    "evx": events_mine.press_cancel,
    "evy": events_mine.press_confirm,
    "evk": events_mine.press_keep,
    "evoa": events_mine.press_accept,
    "evor": events_mine.press_refuse,
    "eva": events_staff.press_list,
    "evi": events_staff.press_pick,
    "iv_menu": ivoting.press_menu,
    "iv_pick": ivoting.press_pick,
    "iv_sub": ivoting.press_sub,
    "iv_off": ivoting.press_off,
    "nw_menu": broadcast_news.press_menu,
    "nw_sub": broadcast_news.press_sub,
    "news_off": broadcast_news.press_off,
    "bc_aud": broadcast.press_audience,
    "bc_now": broadcast.press_when,
    "bc_at": broadcast.press_when,
    "bc_ok": broadcast.press_confirm,
    "bc_urgent": broadcast.press_urgent,
    "bc_no": broadcast.press_drop,
}

# Flow states that read typed text; every other state falls through to the fallback.
STATES: dict[str, StateHandler] = {propose.STATE: propose_review.on_text,
                                   staff.NOTE_STATE: staff.on_note,
                                   handoff.QUESTION: handoff.on_question,
                                   handoff.DISTRICT: handoff.on_district,
                                   handoff.CONSENT: handoff.on_consent,
                                   events_signup.STATE: events_signup.on_text,
                                   events_staff.CHECKIN_STATE: events_staff.on_text,
                                   **{state: broadcast.on_text for state in broadcast.STATES}}


# Commands whose handlers read the database (content/commands.yaml names them).
ASYNC_COMMANDS = {"handoff": handoff.begin, "endchat": handoff_ticket.end_command,
                  "cancel": handoff_ticket.cancel_command, "tickets": volunteer_list.list_open,
                  "events": events.browse, "myevents": events_mine.my_events,
                  "staff_events": events_staff.list_events, "ivoting": ivoting.menu_turn,
                  "broadcast": broadcast.start}


async def route(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    """Run one turn: pick the handler, then stamp a fresh nonce on any buttons."""
    ctx = await handoff_ticket.checked(msg, ctx, deps)
    turn = await _pick(msg, ctx, deps)
    return stamp(handoff_ticket.keep_marker(ctx, turn))


async def _pick(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    if msg.kind == "follow":
        return _with_effect(menu.welcome(msg, ctx, deps), "follow")
    if msg.kind == "unfollow":
        return Turn(ctx, (), (Effect("unfollow"),), {"intent": "unfollow"})
    if msg.kind == "postback":
        return await _press(msg, ctx, deps)
    if msg.is_group:
        turn = await volunteer.on_group_message(msg, ctx, deps)
        if turn is not None or not msg.addressed:
            return turn or Turn(ctx, meta={"intent": "ignored"})
    state_handler = STATES.get(ctx.state)
    if not msg.text.strip():
        if handoff_ticket.holds(ctx) and state_handler is None:
            return await handoff_ticket.on_text(msg, ctx, deps)
        return Turn(ctx, (Text(deps.content.t("unsupported", ctx.locale)),))
    checkin = await events_staff.intercept(msg, ctx, deps)  # /checkin CODE, a code from staff
    if checkin is not None:
        return checkin
    command = deps.content.command_for(msg.text)
    if command is not None:
        return await _command(command, msg, ctx, deps)
    if state_handler is not None:
        return await state_handler(msg, ctx, deps)
    if handoff_ticket.holds(ctx):
        return await handoff_ticket.on_text(msg, ctx, deps)
    return await qa.answer_text(msg, ctx, deps)


async def _press(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    press = parse(msg.payload)
    if press is None or (press.action not in ACTIONS and press.action != "mydata"):
        return _stale(ctx, deps)
    if is_stale(press, ctx):
        return _stale(ctx, deps)
    if press.action == "mydata":
        return await privacy.show(msg, ctx, deps, ctx.locale)
    turn = ACTIONS[press.action](msg, press, ctx, deps)
    return await turn if inspect.isawaitable(turn) else turn


async def _command(name: str, msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    word = msg.text.strip()
    lang = "en" if word.isascii() and word.replace(" ", "").isalpha() else ctx.locale
    if name == "mydata":
        return await privacy.show(msg, ctx, deps, lang)
    if name == "myprops":
        return await propose_review.my_proposals(msg, ctx, deps, lang)
    if name in ASYNC_COMMANDS:
        turn = await ASYNC_COMMANDS[name](msg, ctx, deps, lang)
        return Turn(turn.context, turn.replies, turn.effects, {"intent": name})
    handlers = {"menu": menu.show_menu, "help": menu.show_help, "cancel": menu.cancel,
                "whoami": staff.whoami, "topics": actions.show_topics}
    turn = handlers[name](msg, ctx, deps, lang)
    return Turn(turn.context, turn.replies, turn.effects, {"intent": name})


def _stale(ctx: Context, deps: Deps) -> Turn:
    return menu.stale(ctx, deps)


def _with_effect(turn: Turn, name: str) -> Turn:
    return Turn(turn.context, turn.replies, (*turn.effects, Effect(name)), turn.meta)
