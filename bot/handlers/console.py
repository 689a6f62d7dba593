"""/console: a one-time link to the staff console (bot/runtime/console), for district staff
and volunteers. Asked in a group, the link goes to the person privately (anyone in the group
could otherwise open it first); the group hears only that it was sent."""

from __future__ import annotations

import secrets
from dataclasses import replace

from bot.core.serialize import reply_to_dict
from bot.core.types import Context, Effect, Incoming, Text, Turn
from bot.handlers.deps import Deps
from bot.handlers.feature import Command, Feature
from bot.storage import console

LINK_EFFECT = "console_link"


async def link(msg: Incoming, ctx: Context, deps: Deps, lang: str) -> Turn:
    """Check the role, make a link (its digest stored by the effect) and send it."""
    t, ctx = deps.content.t, replace(ctx, locale=lang)
    if msg.platform != "telegram":
        return _say(ctx, t("console.telegram_only", lang))
    staff = await deps.proposals.staff_districts(msg.platform, msg.user_id)
    volunteer = await deps.tickets.volunteer(msg.platform, msg.user_id)
    if not staff and volunteer is None:
        return _say(ctx, t("console.refused", lang))
    token = secrets.token_urlsafe(32)
    text = t("console.link", lang, url=f"{deps.public_url.rstrip('/')}/staff/login/{token}")
    effects = [Effect(LINK_EFFECT, {"hash": console.digest(token)})]
    if not msg.is_group:
        return Turn(ctx, (Text(text),), tuple(effects), {"intent": "console"})
    effects.append(Effect("notify", {
        "platform": msg.platform, "chat_id": msg.user_id, "replies": [reply_to_dict(Text(text))],
        "key": f"console:{console.digest(token)[:32]}"}))
    return Turn(ctx, (Text(t("console.sent_privately", lang)),), tuple(effects),
                {"intent": "console"})


def _say(ctx: Context, text: str) -> Turn:
    return Turn(ctx, (Text(text),), meta={"intent": "console"})


FEATURE = Feature(
    "console",
    commands={"console": Command(link)},
    effects={LINK_EFFECT: console.link_effect},
)
