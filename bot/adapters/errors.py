"""SDK exceptions translated to DeliveryError (what is worth retrying, and when)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from linebot.v3.messaging import ApiException
from telegram import error as tg

from bot.common import metrics
from bot.core.errors import DeliveryError

QUOTA_WORDS = ("monthly limit", "quota")


@asynccontextmanager
async def line_errors() -> AsyncIterator[None]:
    """Raise DeliveryError for a failed LINE call (409 is success and is left to the caller)."""
    metrics.api_call("line")
    try:
        yield
    except ApiException as exc:
        if exc.status == 409:
            raise
        error = line_error(exc.status or 0, str(exc.body or ""))
        _count("line", error)
        raise error from exc
    except aiohttp.ClientConnectorError as exc:  # no connection: nothing left this process
        metrics.api_failed("line", 0)
        raise DeliveryError(f"network: {type(exc).__name__}", permanent=False) from exc
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:  # it may have arrived
        metrics.api_failed("line", 0)
        raise DeliveryError(f"network: {type(exc).__name__}", permanent=False,
                            unknown=True) from exc


def _count(platform: str, error: DeliveryError) -> None:
    metrics.api_failed(platform, error.status, quota=error.quota, permanent=error.permanent)


def line_error(status: int, body: str) -> DeliveryError:
    """A LINE API answer as a DeliveryError: 429 is the rate limit or, when its message says
    so, the month's quota; other 4xx are permanent; 5xx are worth a retry."""
    message = _line_message(body)
    if status == 429:
        quota = any(w in message.lower() for w in QUOTA_WORDS)
        return DeliveryError(f"LINE 429: {message}"[:200], permanent=quota, status=429,
                             quota=quota)
    permanent = 400 <= status < 500
    return DeliveryError(f"LINE {status}: {message}"[:200], permanent=permanent, status=status)


def _line_message(body: str) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return body[:120]
    return str(data.get("message", ""))[:120] if isinstance(data, dict) else body[:120]


@asynccontextmanager
async def telegram_errors() -> AsyncIterator[None]:
    """Raise DeliveryError for a failed Bot API call."""
    metrics.api_call("telegram")
    try:
        async with _translated():
            yield
    except DeliveryError as error:
        _count("telegram", error)
        raise


@asynccontextmanager
async def _translated() -> AsyncIterator[None]:
    try:
        yield
    except tg.RetryAfter as exc:
        wait = exc.retry_after
        seconds = wait if isinstance(wait, (int, float)) else wait.total_seconds()
        raise DeliveryError("Telegram 429", permanent=False, status=429,
                            retry_after=float(seconds)) from exc
    except (tg.Forbidden, tg.BadRequest, tg.ChatMigrated, tg.InvalidToken) as exc:
        # Blocked by the user, kicked from the group, chat or topic not found, bad markup.
        raise DeliveryError(f"Telegram: {exc.message}"[:200], permanent=True,
                            status=403 if isinstance(exc, tg.Forbidden) else 400) from exc
    except tg.NetworkError as exc:  # includes TimedOut and 5xx answers
        raise DeliveryError(f"Telegram network: {exc.message}"[:200], permanent=False) from exc
