"""Delivery tests: the real Services (engine, job runner, adapters) against the fake LINE and
Telegram servers, on the test's database, driven step by step (no background tasks)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.broadcasts.compose import schedule
from bot.broadcasts.message import replies_for
from bot.common.settings import load_settings
from bot.runtime.services import Services, build_services
from bot.storage import broadcasts as store
from bot.storage import people, subscriptions
from bot.storage.models import Broadcast, Conversation, DeliveryBatch, Job
from tests.bot_harness import LINE_SECRET, TG_SECRET, TG_TOKEN
from tests.chat import shared_deps
from tests.fakes.line_api import FakeLineApi
from tests.fakes.telegram_api import FakeTelegramApi

STAFF_GROUP = "-1009990001"


def line_user(n: int) -> str:
    """A LINE user id that passes the spec's pattern."""
    return "U" + f"{n:032x}"


@dataclass
class Rig:
    """Services with LINE and Telegram on, and their fakes."""

    services: Services
    line: FakeLineApi
    telegram: FakeTelegramApi

    async def step(self) -> bool:
        """One pass of the job runner and of the engine on each platform; True if busy."""
        busy = await self.services.jobs.run_once()
        for platform in self.services.engine.platforms:
            busy = await self.services.engine.run_once(platform) or busy
        return busy

    async def drain(self, rounds: int = 500) -> None:
        """Run until nothing is due (waits asked for by 429s are skipped: see advance)."""
        for _ in range(rounds):
            if not await self.step() and not await self.advance():
                return
        raise AssertionError("delivery did not settle")

    async def advance(self) -> bool:
        """Skip ahead in time: every waiting batch and job is due now, pauses are over.
        False when nothing was waiting."""
        now = datetime.now(UTC)
        self.services.limits._paused.clear()
        batches = await DeliveryBatch.filter(status__in=store.OPEN).update(run_at=now,
                                                                         locked_until=None)
        jobs = await Job.filter(status="pending").update(run_at=now, locked_until=None)
        return bool(batches or jobs)


@asynccontextmanager
async def delivering(db_url: str, **overrides: Any) -> AsyncIterator[Rig]:
    """Services on db_url (already opened by the fixture) with both platforms on."""
    async with FakeLineApi() as line, FakeTelegramApi() as telegram:
        values: dict[str, Any] = {
            "database_url": db_url, "line_channel_secret": LINE_SECRET,
            "line_channel_access_token": "line-token", "line_api_base_url": line.base_url,
            "telegram_bot_token": TG_TOKEN, "telegram_webhook_secret": TG_SECRET,
            "telegram_api_base_url": telegram.base_url, "local_chat": False,
            "quiet_hours": "off", "redis_key_prefix": f"test:{uuid.uuid4().hex}:"}
        values.update(overrides)
        services = build_services(load_settings(**values), shared_deps())
        await services.start()
        try:
            yield Rig(services, line, telegram)
        finally:
            await services.close()


async def followers(platform: str, ids: list[str]) -> None:
    """People who follow the bot and have a one-to-one chat with it."""
    await people.ensure_members({(platform, i) for i in ids})
    await Conversation.bulk_create([Conversation(platform=platform, chat_id=i, user_id=i)
                                    for i in ids], ignore_conflicts=True)


async def news_subscribers(platform: str, ids: list[str], district: str = "士林區") -> None:
    """Followers who opted in to a district's news."""
    await followers(platform, ids)
    for i in ids:
        await subscriptions.add(platform, i, "news", district)


async def send(text: str, audience: str, *, urgent: bool = False,
               sender: tuple[str, str, str] = ("telegram", STAFF_GROUP, "7001")) -> Broadcast:
    """Schedule a broadcast now, as the staff flow or the CLI does."""
    replies = replies_for(shared_deps().content, text, audience)
    cast_id = await schedule(audience=audience, replies=replies, run_at=datetime.now(UTC),
                             district="士林區", sender=sender, urgent=urgent)
    cast = await store.get(cast_id)
    assert cast is not None
    return cast


async def reloaded(cast: Broadcast) -> Broadcast:
    """The broadcast as stored now."""
    fresh = await store.get(cast.id)
    assert fresh is not None
    return fresh
