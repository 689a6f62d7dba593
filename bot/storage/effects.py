"""Effect appliers over people, subscriptions and the job queue (run inside the turn's
saving transaction). The features that return these effects declare them."""

from __future__ import annotations

from typing import Any

from bot.core.types import Incoming
from bot.storage import jobs, people, subscriptions


async def follow(msg: Incoming, data: dict[str, Any]) -> None:
    """The user added the bot."""
    await people.set_followed(msg.platform, msg.user_id, True)


async def unfollow(msg: Incoming, data: dict[str, Any]) -> None:
    """The user blocked or removed the bot."""
    await people.set_followed(msg.platform, msg.user_id, False)


async def unanswered(items: list[tuple[Incoming, dict[str, Any]]]) -> None:
    """Questions the bot could not answer, logged with one statement for a whole batch."""
    await people.log_unanswered_many(
        [(d["text"], d["reason"], "en" if d["lang"] == "en" else "zh", d.get("faq_id"))
         for _, d in items])


async def feedback(msg: Incoming, data: dict[str, Any]) -> None:
    """👍/👎 on an FAQ entry: {faq_id, helpful}."""
    await people.record_feedback(msg.platform, msg.user_id, data["faq_id"], data["helpful"])


async def delete_my_data(msg: Incoming, data: dict[str, Any]) -> None:
    """Delete what is stored about the user (the conversation too)."""
    await people.delete_user(msg.platform, msg.user_id)


async def notify(msg: Incoming, data: dict[str, Any]) -> None:
    """Queue a message to another user or chat: {platform, chat_id, replies, key, at?}."""
    await jobs.enqueue_send(data["platform"], data["chat_id"], data["replies"],
                            dedupe_key=data["key"], run_at=data.get("at"))


async def subscribe(msg: Incoming, data: dict[str, Any]) -> None:
    """Opt in: {topic: ivoting | news, scope: 全市 or a district, locale}."""
    await subscriptions.add(msg.platform, msg.user_id, data["topic"], data["scope"],
                            data.get("locale", "zh-TW"))


async def unsubscribe(msg: Incoming, data: dict[str, Any]) -> None:
    """Opt out: {topic, scope} (scope None: every scope of the topic)."""
    await subscriptions.remove(msg.platform, msg.user_id, data["topic"], data.get("scope"))
