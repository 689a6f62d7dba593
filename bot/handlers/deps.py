"""What handlers may use: content, the understander and read-only look-ups."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.content import Content
from bot.nlp.understander import Understander

MyDataReader = Callable[[str, str], Awaitable[dict[str, Any] | None]]


async def _no_data(platform: str, user_id: str) -> dict[str, Any] | None:
    return None


@dataclass(frozen=True)
class Deps:
    """Handler dependencies, passed in rather than imported, so tests can swap them."""

    content: Content
    nlp: Understander
    my_data: MyDataReader = _no_data
    clock: Callable[[], datetime] = datetime.now
