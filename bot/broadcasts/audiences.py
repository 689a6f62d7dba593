"""Audiences: a small registry from a prefix to an async resolver of recipients.

`all`, `district:士林區` and `ivoting[:士林區]` are registered here; other features register
theirs (the events feature: `event:ID`, its registrants or waiting list) with `register`.
Whatever a resolver returns, people who unfollowed or blocked the bot are left out.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass

# The database modules (tortoise) load when an audience is resolved, not when the chat
# handlers import this module: `run.py ask` never resolves one and starts faster without them.

# A resolver gets the part after "prefix:" ("" when there is none) and returns
# (platform, user_id) or (platform, user_id, locale) tuples; ValueError for a bad argument.
Resolver = Callable[[str], Awaitable[Iterable[Sequence[str]]]]
PUSH_PLATFORMS = ("line", "telegram", "local")


@dataclass(frozen=True)
class Recipient:
    """Someone a broadcast goes to, and the language they use with the bot."""

    platform: str
    user_id: str
    locale: str = "zh-TW"


class UnknownAudience(ValueError):
    """The audience names no registered prefix, or its argument is not valid."""


_RESOLVERS: dict[str, Resolver] = {}


def register(prefix: str, resolver: Resolver) -> None:
    """Make `prefix` or `prefix:ARG` an audience (a second registration replaces the first)."""
    _RESOLVERS[prefix] = resolver


def prefixes() -> tuple[str, ...]:
    """Every registered prefix."""
    return tuple(_RESOLVERS)


def parse(audience: str) -> tuple[str, str]:
    """(prefix, argument) of an audience; UnknownAudience when the prefix is not registered."""
    prefix, _, arg = audience.strip().partition(":")
    if prefix not in _RESOLVERS:
        known = ", ".join(sorted(_RESOLVERS))
        raise UnknownAudience(f"unknown audience {audience!r}: one of {known}")
    return prefix, arg.strip()


async def resolve(audience: str) -> list[Recipient]:
    """The recipients of an audience, once each, without those who unfollowed or blocked."""
    from bot.storage.models import Member
    prefix, arg = parse(audience)
    found = await _RESOLVERS[prefix](arg)
    gone = set(await Member.filter(followed=False).values_list("platform", "user_id"))
    seen: dict[tuple[str, str], Recipient] = {}
    for item in found:
        platform, user_id = str(item[0]), str(item[1])
        locale = str(item[2]) if len(item) > 2 else "zh-TW"
        if platform in PUSH_PLATFORMS and (platform, user_id) not in gone:
            seen.setdefault((platform, user_id), Recipient(platform, user_id, locale))
    return list(seen.values())


async def _all(arg: str) -> list[tuple[str, str, str]]:
    """Everyone following the bot who has a one-to-one chat with it (groups are not people)."""
    from tortoise.expressions import F

    from bot.storage.models import Conversation
    if arg:
        raise UnknownAudience("`all` takes no argument")
    rows = await Conversation.filter(chat_id=F("user_id"), platform__in=PUSH_PLATFORMS) \
        .order_by("id").values_list("platform", "user_id", "locale")
    return [(str(p), str(u), str(loc)) for p, u, loc in rows]


async def _district(arg: str) -> list[tuple[str, str, str]]:
    """The residents who subscribed to a district's news."""
    from bot.storage import subscriptions
    if not arg:
        raise UnknownAudience("district: needs a district, e.g. district:士林區")
    return await subscriptions.audience("news", (arg,))


async def _ivoting(arg: str) -> list[tuple[str, str, str]]:
    """i-Voting subscribers: all of them, or those of a district plus the citywide ones."""
    from bot.storage import subscriptions
    if arg and arg != subscriptions.CITYWIDE:
        return await subscriptions.audience("ivoting", (subscriptions.CITYWIDE, arg))
    return await subscriptions.ivoting_all()


async def _event(arg: str) -> list[tuple[str, str]]:
    """An event's registrants (`event:ID`, held seats included) or its waiting list
    (`event:ID:waiting`)."""
    from bot.storage import events
    from bot.storage.models import Event
    event_id, _, which = arg.partition(":")
    which = which or "registered"
    if not event_id or which not in ("registered", "waiting"):
        raise UnknownAudience("event: needs an event id, e.g. event:ID or event:ID:waiting")
    if not await Event.exists(id=event_id):
        raise UnknownAudience(f"no event {event_id!r} (run.py events list)")
    found = await events.recipients(event_id, which)
    if which == "registered":  # a seat held for someone on the list is theirs too
        found += await events.recipients(event_id, "offered")
    return found


async def district_of(audience: str) -> str | None:
    """The district an audience belongs to (a district's news or i-Voting subscribers, an
    event's people), '全市' for citywide ones; who may send to it depends on it."""
    from bot.storage import subscriptions
    from bot.storage.models import Event
    prefix, arg = parse(audience)
    if prefix == "event":
        event = await Event.get_or_none(id=arg.partition(":")[0])
        return event.district if event else None
    if prefix in ("district", "ivoting") and arg:
        return arg
    return subscriptions.CITYWIDE


register("all", _all)
register("district", _district)
register("ivoting", _ivoting)
register("event", _event)
