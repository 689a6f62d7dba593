"""What a feature declares, in one `Feature` object at the top of its package.

A feature names everything it adds: button actions (readable names, with the old short codes
of buttons already sitting in chats), flow states, typed commands, the intents it starts,
effects, jobs, background loops, web routes and `run.py` subcommands.
`bot.handlers.features` composes the features in one documented order; nothing else lists a
feature's parts (see docs/design.md, "How to add a feature"). Like aiogram's `Router` or an
errbot plugin: the centre knows the order, not the names.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiohttp import web

from bot.broadcasts.start import Starter
from bot.core.buttons import Press
from bot.core.ports import ForumTopics, Pusher, TokenReplier
from bot.core.types import Context, Incoming, Turn
from bot.handlers.deps import Deps
from bot.nlp.understander import Understanding
from bot.storage.jobs import JobHandler

ActionHandler = Callable[[Incoming, Press, Context, Deps], Turn | Awaitable[Turn]]
StateHandler = Callable[[Incoming, Context, Deps], Awaitable[Turn]]
CommandHandler = Callable[[Incoming, Context, Deps, str], Turn | Awaitable[Turn]]
IntentHandler = Callable[[Incoming, Understanding, Context, Deps, str], Awaitable[Turn]]
# A step that may take the message (None: not mine, the next feature or step is asked).
Hook = Callable[[Incoming, Context, Deps], Awaitable[Turn | None]]
Fallback = Callable[[Incoming, Context, Deps, Mapping[str, IntentHandler]], Awaitable[Turn]]
Applier = Callable[[Incoming, dict[str, Any]], Awaitable[None]]
BatchApplier = Callable[[list[tuple[Incoming, dict[str, Any]]]], Awaitable[None]]
Loop = Callable[[], Coroutine[Any, Any, None]]  # runs until cancelled


class Wiring(Protocol):
    """What a feature's jobs may be built from (bot.runtime.services.Services provides it)."""

    @property
    def deps(self) -> Deps: ...

    @property
    def starter(self) -> Starter: ...

    def pusher(self, platform: str) -> Pusher | None: ...

    def topics(self, platform: str) -> ForumTopics | None: ...

    def replier(self, platform: str) -> TokenReplier | None: ...


def _no_arg(deps: Deps) -> str:
    return ""


@dataclass(frozen=True)
class Action:
    """A button action. stateless: valid whenever pressed (its payload names everything it
    acts on); otherwise it answers the question the conversation asks now and a press from an
    older set of buttons is refused politely. old: the short codes it had before readable
    names (buttons already sitting in residents' chats keep working for one release).
    longest: the longest argument it can carry with this content, for the payload-size test."""

    handler: ActionHandler
    stateless: bool = False
    old: tuple[str, ...] = ()
    longest: Callable[[Deps], str] = _no_arg


@dataclass(frozen=True)
class Command:
    """A global command typed as text (its words are in content/commands.yaml). tag: the
    turn's meta names the command as its intent."""

    handler: CommandHandler
    tag: bool = True


@dataclass(frozen=True)
class Feature:
    """Everything one feature adds; every field is optional."""

    name: str
    actions: Mapping[str, Action] = field(default_factory=dict)
    states: Mapping[str, StateHandler] = field(default_factory=dict)
    commands: Mapping[str, Command] = field(default_factory=dict)
    intents: Mapping[str, IntentHandler] = field(default_factory=dict)
    # Route steps a feature may take part in (see bot.handlers.features for their order).
    follow: Callable[[Incoming, Context, Deps], Turn | None] | None = None
    group: Hook | None = None
    typed: Hook | None = None  # typed text with an argument, tried before the commands
    held: Hook | None = None  # text while the feature holds the conversation (an open ticket)
    fallback: Fallback | None = None
    before: Callable[[Incoming, Context, Deps], Awaitable[Context]] | None = None
    after: Callable[[Context, Turn], Turn] | None = None
    # Persistence and background work.
    effects: Mapping[str, Applier] = field(default_factory=dict)
    # Written with one statement for a whole batch of turns (they touch nothing the other
    # effects read, so applying them after the rest changes nothing).
    batched: Mapping[str, BatchApplier] = field(default_factory=dict)
    ends: frozenset[str] = frozenset()  # effects after which the stored conversation is gone
    jobs: Callable[[Wiring], Mapping[str, JobHandler]] | None = None
    # Background loops every process runs (name -> the loop), e.g. the ticket sweep.
    loops: Callable[[Wiring], Mapping[str, Loop]] | None = None
    routes: Callable[[web.Application], None] | None = None
    cli: tuple[str, ...] = ()  # run.py subcommands (bot/cli) that manage this feature
