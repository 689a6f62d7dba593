"""Reply and push, the calls made for every event: JSON bodies posted on the SDK client's own
REST client (its aiohttp session, host, token, user agent, proxy and error type).

The SDK's typed call builds and validates a pydantic model per message and serialises it
again (~0.45 ms an event); the bodies here are render()'s JSON, which the tests check against
LINE's OpenAPI spec for every request. Calls made once in a while keep the typed API.
Also the set-up of that client's session (proxy resolved once, not per request).
"""

from __future__ import annotations

import json
import ssl
from typing import Any

import aiohttp
from aiohttp.helpers import get_env_proxy_for_url
from linebot.v3.messaging import AsyncApiClient
from yarl import URL

from bot.adapters.errors import line_errors
from bot.adapters.line_render import Message

REPLY_PATH = "/v2/bot/message/reply"
PUSH_PATH = "/v2/bot/message/push"


async def reply(client: AsyncApiClient, token: str, batch: list[Message],
                timeout: float) -> None:
    """Send one reply request; DeliveryError when LINE refuses it or cannot be reached."""
    async with line_errors():
        await _post(client, REPLY_PATH, {"replyToken": token, "messages": batch}, timeout)


async def push(client: AsyncApiClient, to: str, batch: list[Message], retry_key: str,
               timeout: float) -> list[str]:
    """Send one push request with X-Line-Retry-Key; the sent message ids. A 409 (this key
    was accepted before) leaves line_errors as the SDK's ApiException, for the caller."""
    async with line_errors():
        data = await _post(client, PUSH_PATH, {"to": to, "messages": batch}, timeout,
                           {"X-Line-Retry-Key": retry_key})
    sent = json.loads(data or b"{}").get("sentMessages") or []
    return [str(m["id"]) for m in sent if isinstance(m, dict) and "id" in m]


async def _post(client: AsyncApiClient, path: str, body: dict[str, Any], timeout: float,
                headers: dict[str, str] | None = None) -> bytes:
    """POST with the SDK client's headers; ApiException (as the SDK raises) on a non-2xx."""
    sent_headers = {**client.default_headers, "Content-Type": "application/json",
                    "Accept": "application/json", **(headers or {})}
    response = await client.rest_client.request(
        "POST", client.configuration.host + path, headers=sent_headers, body=body,
        _request_timeout=timeout)
    return bytes(response.data or b"")


def env_proxy(url: str) -> str | None:
    """The proxy the environment names for url (HTTPS_PROXY, NO_PROXY ...), looked up once."""
    try:
        proxy, _ = get_env_proxy_for_url(URL(url))
    except LookupError:
        return None
    return str(proxy)


async def without_env_lookups(client: AsyncApiClient) -> None:
    """Give the SDK client a session that does not re-read the environment per request."""
    # The SDK's session has trust_env=True: every request re-reads proxy variables and netrc
    # in a thread (~0.4 ms CPU each, measured with bench/webhook.py). The proxy is resolved
    # once in start() and passed through Configuration.proxy instead; same TLS defaults.
    rest = client.rest_client
    limit = rest.pool_manager.connector.limit if rest.pool_manager.connector else 100
    await rest.pool_manager.close()
    rest.pool_manager = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=limit, ssl=ssl.create_default_context()),
        trust_env=False)
