"""The features, and the one order a turn goes through them.

A turn, first match wins (like python-telegram-bot's handler groups; each step asks the
features in FEATURES order):
0. before: a feature may adjust the loaded context (the hand-off drops a closed ticket);
1. follow / unfollow;
2. buttons: the payload's action names a feature's action (old short codes are mapped to
   their names); a stale press gets a polite answer;
3. groups: a feature may take a group message (a volunteer's answer in a ticket's topic);
   other messages the bot sees without being addressed are ignored;
4. commands: typed text with an argument (/checkin CODE), then the global commands whose
   words are in content/commands.yaml;
5. states: the handler of the conversation's current flow state;
6. open ticket: a feature holding the conversation (the resident's open ticket) takes text;
7. fallback: the FAQ understands the text; a request some feature declares as its intent
   starts that feature's flow.
after: a feature may adjust the turn (the open ticket's number rides on); then the turn's
buttons get a fresh nonce.

Every registry below is built from the features' declarations and checked for clashes when
this module is imported. Adding a feature: docs/design.md, "How to add a feature".
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TypeVar

from aiohttp import web

from bot.core.buttons import Press, parse, stamp
from bot.core.roles import ChatRole
from bot.core.types import Context, Incoming, Text, Turn
from bot.handlers import (
    about,
    broadcast,
    broadcast_news,
    console,
    events,
    faq,
    handoff,
    ivoting,
    menu,
    privacy,
    propose,
    roles,
)
from bot.handlers.deps import Deps
from bot.handlers.feature import (
    Action,
    Applier,
    BatchApplier,
    Command,
    Feature,
    IntentHandler,
    Loop,
    StateHandler,
    Wiring,
)
from bot.nlp.understander import Understanding
from bot.storage.jobs import JobHandler

T = TypeVar("T")
# In a staff chat or the volunteers' group these show the role's help, not the residents' menu.
ROLE_HELP = frozenset({"help", "menu"})


async def press_flow(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """A button that starts a flow (arg INTENT or INTENT/ACTION), as typing its request would."""
    intent, _, action = press.arg.partition("/")
    flow = INTENTS.get(intent)
    if flow is None:
        return menu.stale(ctx, deps)
    u = Understanding(intent, action or None, (), "high", "en" if ctx.locale == "en" else "zh")
    turn = await flow(msg, u, ctx, deps, ctx.locale)
    return replace(turn, meta={"intent": intent, "action": action or None, **turn.meta})


def _longest_start(deps: Deps) -> str:
    return max((e.start or "" for e in deps.nlp.entries), key=len, default="")


# The router's own action: the flow an FAQ answer offers, started through INTENTS.
ROUTER = Feature("router", actions={"flow": Action(press_flow, stateless=True,
                                                   longest=_longest_start)})

# The order the route steps ask the features in: the wizard takes a follow before the menu's
# welcome (someone coming back mid-step is asked that step again).
FEATURES: tuple[Feature, ...] = (
    propose.FEATURE, menu.FEATURE, privacy.FEATURE, faq.FEATURE, handoff.FEATURE,
    events.FEATURE, ivoting.FEATURE, broadcast_news.FEATURE, broadcast.FEATURE,
    about.FEATURE, console.FEATURE, ROUTER,
)


def _merge(kind: str, pairs: Iterable[tuple[str, T]]) -> dict[str, T]:
    """One registry; a name two features declare differently is a programming error."""
    merged: dict[str, T] = {}
    for name, value in pairs:
        if name in merged and merged[name] is not value:
            raise ValueError(f"{kind} {name!r} is declared twice")
        merged[name] = value
    return merged


def _all(field: str) -> Iterable[tuple[str, T]]:
    for feature in FEATURES:
        yield from getattr(feature, field).items()


# Readable action names -> action.
NAMES: dict[str, Action] = _merge("action", _all("actions"))
# The short codes of buttons already sitting in residents' chats -> their readable names.
# Kept for one release after readable names (2026-12); then drop Action.old and this map.
OLD_CODES: dict[str, str] = _merge(
    "old action code", ((code, name) for name, action in NAMES.items() for code in action.old))
# Every action name a payload may carry: the readable names and, for now, the old codes.
ACTIONS: dict[str, Action] = {**NAMES, **{code: NAMES[name] for code, name in OLD_CODES.items()}}
STATELESS = frozenset(name for name, action in NAMES.items() if action.stateless)
STATES: dict[str, StateHandler] = _merge("state", _all("states"))
COMMANDS: dict[str, Command] = _merge("command", _all("commands"))
INTENTS: dict[str, IntentHandler] = _merge("intent", _all("intents"))
EFFECTS: dict[str, Applier] = _merge("effect", _all("effects"))
BATCHED: dict[str, BatchApplier] = _merge("batched effect", _all("batched"))
if set(BATCHED) & set(EFFECTS):
    raise ValueError(f"effects declared both batched and not: {set(BATCHED) & set(EFFECTS)}")
# After these the stored conversation no longer follows from the turn's context (it is
# deleted), so a batch must not chain the conversation's next event onto that context.
ENDS_CONVERSATION = frozenset(name for f in FEATURES for name in f.ends)
CLI = _merge("run.py subcommand", ((name, f.name) for f in FEATURES for name in f.cli))
_FALLBACKS = [f.fallback for f in FEATURES if f.fallback is not None]
if len(_FALLBACKS) != 1:
    raise ValueError("exactly one feature answers what nothing else took (the fallback)")
FALLBACK = _FALLBACKS[0]


def jobs(wiring: Wiring) -> dict[str, JobHandler]:
    """Job kind -> handler, from every feature's jobs, built for this process."""
    return _merge("job kind", ((kind, handler) for f in FEATURES if f.jobs is not None
                               for kind, handler in f.jobs(wiring).items()))


def loops(wiring: Wiring) -> dict[str, Loop]:
    """Loop name -> loop, from every feature's loops, built for this process."""
    return _merge("loop", ((name, run) for f in FEATURES if f.loops is not None
                           for name, run in f.loops(wiring).items()))


def add_routes(app: web.Application) -> None:
    """The features' web routes (the calendar files, the printable pages)."""
    for feature in FEATURES:
        if feature.routes is not None:
            feature.routes(app)


def resolve(press: Press) -> Press:
    """The press with its action's readable name (an old short code mapped)."""
    name = OLD_CODES.get(press.action)
    return press if name is None else replace(press, action=name)


def is_stale(press: Press, ctx: Context) -> bool:
    """True when a press of a stateful button belongs to an older set of buttons."""
    return resolve(press).action not in STATELESS and press.nonce != ctx.nonce


async def route(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    """Run one turn: the steps in order, then a fresh nonce on any buttons. In a staff chat
    or the volunteers' group the chat's set language holds for the whole turn."""
    role = await deps.chats.role_of(msg.platform, msg.chat_id) if msg.is_group else None
    if role is not None:
        ctx = replace(ctx, locale=role.lang)
    for feature in FEATURES:
        if feature.before is not None:
            ctx = await feature.before(msg, ctx, deps)
    turn = await _pick(msg, ctx, deps, role)
    for feature in FEATURES:
        if feature.after is not None:
            turn = feature.after(ctx, turn)
    if role is not None and turn.context.locale != role.lang:
        turn = replace(turn, context=replace(turn.context, locale=role.lang))
    return stamp(turn)


async def _pick(msg: Incoming, ctx: Context, deps: Deps, role: ChatRole | None) -> Turn:
    if msg.kind in ("follow", "unfollow"):
        return _follow(msg, ctx, deps)
    if msg.kind == "postback":
        return await _press(msg, ctx, deps)
    if msg.is_group:
        for feature in FEATURES:
            if feature.group is not None and (turn := await feature.group(msg, ctx, deps)):
                return turn
        if not msg.addressed:
            return Turn(ctx, meta={"intent": "ignored"})
    state_handler = STATES.get(ctx.state)
    if not msg.text.strip():
        held = await _held(msg, ctx, deps) if state_handler is None else None
        return held or Turn(ctx, (Text(deps.content.t("unsupported", ctx.locale)),))
    for feature in FEATURES:
        if feature.typed is not None and (turn := await feature.typed(msg, ctx, deps)):
            return turn
    command = deps.content.command_for(msg.text)
    if role is not None and command in ROLE_HELP:
        return roles.show_help(msg, ctx, deps, role)
    if command is not None and command in COMMANDS:
        turn = await _command(command, msg, ctx, deps, fixed=role is not None)
        if role is not None and command in ("cancel", "endchat"):  # no residents' menu there
            turn = replace(turn, replies=tuple(
                replace(r, choices=()) if isinstance(r, Text) else r for r in turn.replies))
        return turn
    if state_handler is not None:
        return await state_handler(msg, ctx, deps)
    if role is not None:  # a clerk's or a volunteer's words are no resident's question
        return await _held(msg, ctx, deps) or roles.not_for_here(msg, ctx, deps, role)
    return await _held(msg, ctx, deps) or await FALLBACK(msg, ctx, deps, INTENTS)


def _follow(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    for feature in FEATURES:
        if feature.follow is not None and (turn := feature.follow(msg, ctx, deps)):
            return turn
    return Turn(ctx, meta={"intent": msg.kind})


async def _held(msg: Incoming, ctx: Context, deps: Deps) -> Turn | None:
    for feature in FEATURES:
        if feature.held is not None and (turn := await feature.held(msg, ctx, deps)):
            return turn
    return None


async def _press(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    press = parse(msg.payload)
    if press is None or press.action not in ACTIONS or is_stale(press, ctx):
        return menu.stale(ctx, deps)
    press = resolve(press)
    turn = NAMES[press.action].handler(msg, press, ctx, deps)
    return await turn if inspect.isawaitable(turn) else turn


async def _command(name: str, msg: Incoming, ctx: Context, deps: Deps, *,
                   fixed: bool = False) -> Turn:
    word = msg.text.strip()
    # A resident who types "help" gets English; a staff chat keeps the language it was set to.
    guess = not fixed and word.isascii() and word.replace(" ", "").isalpha()
    lang = "en" if guess else ctx.locale
    command = COMMANDS[name]
    turn = command.handler(msg, ctx, deps, lang)
    done = await turn if inspect.isawaitable(turn) else turn
    return Turn(done.context, done.replies, done.effects, {"intent": name}) if command.tag \
        else done


def declared(field: str) -> Mapping[str, str]:
    """Which feature declares each name of a kind (actions, states, commands, ...)."""
    return {name: f.name for f in FEATURES for name in getattr(f, field)}
