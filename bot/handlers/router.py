"""The routing table: lifecycle events, buttons, global commands, flow states, fallback.

Order of a turn (first match wins):
1. follow / unfollow;  2. button presses (stale ones get a polite answer);
3. global commands typed as text (menu, help, cancel, mydata, whoami);
4. the handler of the current flow state;  5. the fallback: understand and answer.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

from bot.core.types import Context, Effect, Incoming, Text, Turn
from bot.handlers import actions, menu, privacy, propose, propose_review, qa, staff
from bot.handlers.buttons import Press, is_stale, parse, stamp
from bot.handlers.deps import Deps

ActionHandler = Callable[[Incoming, Press, Context, Deps], Turn | Awaitable[Turn]]
StateHandler = Callable[[Incoming, Context, Deps], Awaitable[Turn]]

ACTIONS: dict[str, ActionHandler] = {
    "topics": actions.topics,
    "topic": actions.topic,
    "faq": actions.faq,
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
    "pr": propose_review.press_resume,
    "pp": propose_review.press_preview,
    "pe": propose_review.press_edit,
    "st": staff.press_status,
}

# Flow states that read typed text; every other state falls through to the fallback.
STATES: dict[str, StateHandler] = {propose.STATE: propose_review.on_text,
                                   staff.NOTE_STATE: staff.on_note}


async def route(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    """Run one turn: pick the handler, then stamp a fresh nonce on any buttons."""
    turn = await _pick(msg, ctx, deps)
    return stamp(turn)


async def _pick(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    if msg.kind == "follow":
        return _with_effect(menu.welcome(msg, ctx, deps), "follow")
    if msg.kind == "unfollow":
        return Turn(ctx, (), (Effect("unfollow"),), {"intent": "unfollow"})
    if msg.kind == "postback":
        return await _press(msg, ctx, deps)
    if not msg.text.strip():
        return Turn(ctx, (Text(deps.content.t("unsupported", ctx.locale)),))
    command = deps.content.command_for(msg.text)
    if command is not None:
        return await _command(command, msg, ctx, deps)
    state_handler = STATES.get(ctx.state)
    if state_handler is not None:
        return await state_handler(msg, ctx, deps)
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
    handlers = {"menu": menu.show_menu, "help": menu.show_help, "cancel": menu.cancel,
                "whoami": staff.whoami}
    turn = handlers[name](msg, ctx, deps, lang)
    return Turn(turn.context, turn.replies, turn.effects, {"intent": name})


def _stale(ctx: Context, deps: Deps) -> Turn:
    return menu.stale(ctx, deps)


def _with_effect(turn: Turn, name: str) -> Turn:
    return Turn(turn.context, turn.replies, (*turn.effects, Effect(name)), turn.meta)
