"""No message text, name, code or token in any log line, third-party loggers included, and
the access log hides the token of every route listed in bot.logs.SECRET_ROUTES."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.logs import SECRET_ROUTES, RedactingAccessLogger, redact
from bot.settings import load_settings
from bot.web import build_app
from tests.fakes.telegram_api import FakeTelegramApi
from tests.log_capture import captured_log

NAME, CODE = "王小明", "報到碼 K7Q2X9"


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """The real log set-up at DEBUG, into a buffer."""
    with captured_log("DEBUG") as stream:
        yield stream


class _Everything(logging.Handler):
    """Sees every record that reaches the root, whatever our filter does."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


async def test_telegram_sendmessage_text_never_reaches_the_log(log_stream: io.StringIO
                                                              ) -> None:
    everything = _Everything()
    logging.getLogger().addHandler(everything)
    logging.getLogger("telegram").setLevel(logging.DEBUG)  # as a library may do itself
    async with FakeTelegramApi() as api:
        bot = Bot("123456:" + "A" * 35, base_url=f"{api.base_url}/bot",
                  request=HTTPXRequest())
        async with bot:
            await bot.send_message(chat_id=7001, text=f"{NAME} 您好，{CODE}")
    logging.getLogger().removeHandler(everything)
    # python-telegram-bot did log the text (so this test can fail) ...
    assert any(NAME in line for line in everything.lines)
    logging.getLogger("bot.worker").debug("our own debug line")
    out = log_stream.getvalue()
    # ... and none of it was written; our own DEBUG lines still are.
    assert NAME not in out and "K7Q2X9" not in out and "AAAAAAAA" not in out
    assert "our own debug line" in out


@pytest.mark.parametrize("name", ["httpx", "httpcore.http11", "aiohttp.client", "linebot",
                                  "tortoise.db_client", "asyncpg", "some.new.library"])
def test_any_other_library_is_capped_at_warning(log_stream: io.StringIO, name: str) -> None:
    library = logging.getLogger(name)
    library.setLevel(logging.DEBUG)
    library.debug("body %s", NAME)
    library.info("body %s", CODE)
    library.warning("a warning without text")
    out = log_stream.getvalue()
    assert NAME not in out and "K7Q2X9" not in out
    assert "a warning without text" in out


def test_every_route_with_a_variable_part_is_a_secret_route() -> None:
    settings = load_settings(line_channel_secret="s", line_channel_access_token="t",
                             telegram_bot_token="1:a", telegram_webhook_secret="x",
                             local_chat=True)
    app = build_app(settings)
    variable = {r.canonical for r in app.router.resources() if "{" in r.canonical}
    assert variable and variable <= set(SECRET_ROUTES), variable - set(SECRET_ROUTES)


@pytest.mark.parametrize("path", ["/e/Zx9_aaaaBBBBccccDDDD.ics", "/p/AbC_123-x",
                                  "/e/Zx9_aaaaBBBBccccDDDD"])
def test_the_access_log_hides_secret_route_tokens(path: str) -> None:
    stream = io.StringIO()
    logger = logging.getLogger("test.access")
    logger.propagate = False
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        access = RedactingAccessLogger(logger, '%a "%r" %s %{Referer}i')
        request: Any = SimpleNamespace(
            remote="127.0.0.1", method="GET", path_qs=path, version=SimpleNamespace(
                major=1, minor=1), headers={"Referer": f"http://x{path}"}, path=path)
        access.log(request, web.Response(status=200), 0.01)
    finally:
        logger.removeHandler(handler)
    line = stream.getvalue()
    assert "Zx9_aaaa" not in line and "AbC_123" not in line, line
    assert "[token]" in line and " 200 " in line
    assert redact(f"GET {path}") != f"GET {path}"
