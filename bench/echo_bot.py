"""The line-bot-sdk v3 echo bot, as its README documents it (aiohttp, async client): verify the
signature, parse, reply with the same text; no storage. bench/webhook.py runs it as the
reference against the same fake LINE API.

Usage: python bench/echo_bot.py PORT LINE_API_BASE CHANNEL_SECRET
"""

from __future__ import annotations

import sys

from aiohttp import web
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    ReplyMessageRequest,
    TextMessage,
)
from linebot.v3.webhooks import MessageEvent, TextMessageContent


class Handler:
    """The README's handler: parse, then reply to each text message."""

    def __init__(self, line_bot_api: AsyncMessagingApi, parser: WebhookParser) -> None:
        self.line_bot_api = line_bot_api
        self.parser = parser

    async def echo(self, request: web.Request) -> web.Response:
        """Verify, parse, reply; 400 on a bad signature."""
        signature = request.headers["X-Line-Signature"]
        body = await request.text()
        try:
            events = self.parser.parse(body, signature)
        except InvalidSignatureError:
            return web.Response(status=400, text="Invalid signature")
        for event in events:
            if not isinstance(event, MessageEvent):
                continue
            if not isinstance(event.message, TextMessageContent):
                continue
            await self.line_bot_api.reply_message(ReplyMessageRequest(
                reply_token=event.reply_token, messages=[TextMessage(text=event.message.text)]))
        return web.Response(text="OK\n")


async def app(port_api_secret: list[str]) -> web.Application:
    """The echo bot's aiohttp app (the SDK client is built inside the running loop)."""
    _, api_base, secret = port_api_secret
    client = AsyncApiClient(Configuration(access_token="bench", host=api_base))
    handler = Handler(AsyncMessagingApi(client), WebhookParser(secret))
    application = web.Application()
    application.router.add_post("/webhook/line", handler.echo)
    application.router.add_get("/healthz", lambda r: web.json_response({}))

    async def close(_: web.Application) -> None:
        await client.close()

    application.on_cleanup.append(close)
    return application


if __name__ == "__main__":
    web.run_app(app(sys.argv[1:]), host="127.0.0.1", port=int(sys.argv[1]), print=None)
