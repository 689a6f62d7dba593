"""`run.py chat`: a console chat on the same core; buttons become numbered choices."""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import logging

from bot.adapters.common import flat_choices, messages_only, reply_text
from bot.common.settings import Settings
from bot.core.types import Choice, Incoming, Reply
from bot.runtime.demo import load_samples
from bot.runtime.dispatcher import Dispatcher
from bot.runtime.services import build_deps
from bot.storage.db import close_db, open_db

with contextlib.suppress(ImportError):  # line editing and history where the platform has it
    import readline  # noqa: F401


async def run_console(settings: Settings) -> int:
    """Chat on stdin/stdout until EOF or 'exit'."""
    logging.getLogger("bot").setLevel(logging.WARNING)  # turn logs would interleave the chat
    await open_db(settings.database_url, migrate_first=settings.database_url.startswith("sqlite"))
    if settings.demo_samples_enabled:
        await load_samples(settings)
    try:
        deps = build_deps(settings)
        dispatcher = Dispatcher(deps)
        hint = deps.content.t("console.pick")
        user = f"console-{getpass.getuser()}"
        choices = await _turn(dispatcher, Incoming("local", user, user, kind="follow"), hint)
        while True:
            try:
                line = (await asyncio.to_thread(input, "> ")).strip()
            except EOFError:
                break
            if line.lower() in ("exit", "quit", "離開"):
                break
            msg = _incoming(user, line, choices)
            choices = await _turn(dispatcher, msg, hint)
    finally:
        await close_db()
    return 0


def _incoming(user: str, line: str, choices: list[Choice]) -> Incoming:
    if line.isdigit() and 1 <= int(line) <= len(choices):
        payload = choices[int(line) - 1].payload
        return Incoming("local", user, user, kind="postback", payload=payload)
    return Incoming("local", user, user, kind="text", text=line)


async def _turn(dispatcher: Dispatcher, msg: Incoming, hint: str) -> list[Choice]:
    outcome = await dispatcher.turn(msg)
    return show(outcome.replies, hint)


def show(replies: tuple[Reply, ...], hint: str = "") -> list[Choice]:
    """Print replies; return the choices of the last one that had any, numbered from 1.
    Here buttons are typed, not tapped: the hint under them says to type the number."""
    choices: list[Choice] = []
    for reply in messages_only(list(replies)):
        print(reply_text(reply))
        if flat_choices(reply):
            choices = list(flat_choices(reply))
            for i, c in enumerate(choices, 1):
                print(f"  [{i}] {c.label}")
            if hint:
                print(f"  {hint}")
        print()
    return choices
