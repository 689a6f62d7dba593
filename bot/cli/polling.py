"""`run.py telegram-polling`: getUpdates instead of a webhook, through the same inbox."""

from __future__ import annotations

import logging

from bot.common.settings import Settings
from bot.runtime.services import Services, build_services
from bot.storage import inbox
from bot.storage.db import close_db, open_db

log = logging.getLogger("bot.polling")


async def run_polling(settings: Settings) -> int:
    """Poll until interrupted; updates are recorded first, then handled by the worker."""
    if not settings.telegram_bot_token:
        print("Configuration error: TELEGRAM_BOT_TOKEN is not set")
        return 2
    # Polling needs no webhook secret; any placeholder value turns the adapter on.
    settings = settings.model_copy(update={"telegram_webhook_secret":
                                           settings.telegram_webhook_secret or "polling",
                                           "telegram_webhook_url": ""})
    services = build_services(settings)
    assert services.telegram is not None
    await open_db(settings.database_url, migrate_first=settings.database_url.startswith("sqlite"))
    await services.start()
    tasks = services.background()
    try:
        await poll(services)
    finally:
        for task in tasks:
            task.cancel()
        await services.close()
        await close_db()
    return 0


async def poll(services: Services, rounds: int | None = None, timeout: int = 25) -> None:
    """Fetch updates (long poll), record them, wake the worker; rounds=None runs forever."""
    assert services.telegram is not None
    bot = services.telegram.bot
    await bot.delete_webhook()
    offset = 0
    while rounds is None or rounds > 0:
        updates = await bot.get_updates(offset=offset, timeout=timeout,
                                        allowed_updates=["message", "callback_query"])
        for update in updates:
            await inbox.record("telegram", services.telegram.events(update.to_dict()))
            offset = update.update_id + 1
        if updates:
            services.worker.notify()
        rounds = None if rounds is None else rounds - 1
