"""One bad request never costs good ones: malformed, hostile or oversized bodies are refused
(4xx, one log line, no row) or cleaned, and a flush that still fails is retried one by one."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from bot.storage import inbox
from bot.storage.db import apply_migrations
from bot.storage.models import InboundEvent
from bot.storage.recorder import GroupRecorder
from tests.bot_harness import Bot, running_bot
from tests.fakes.webhooks import line_body, line_text_event, telegram_message_update

USER = "U" + "4" * 32


async def _bot_on(db_url: str, tmp_path: Path) -> Any:
    if db_url.startswith("postgres"):
        await apply_migrations(db_url)  # SQLite migrates at start-up; PostgreSQL by command
    return running_bot(tmp_path, database_url=db_url)


def _good(i: int) -> dict[str, Any]:
    return line_body([line_text_event(USER, "你好", event_id=f"01GOOD{i:020d}")])


def _hostile() -> list[dict[str, Any]]:
    """Signed bodies that once failed the shared commit (surrogate, long id, NUL)."""
    surrogate = line_text_event(USER, "x\ud800y", event_id="01SURROGATE000000000000001")
    long_id = line_text_event(USER, "你好", event_id="0" * 200)
    nul = line_text_event("U\u0000" + "5" * 31, "你好", event_id="01NUL000000000000000000001")
    return [line_body([surrogate]), line_body([long_id]), line_body([nul])]


async def _post_raw(bot: Bot, body: dict[str, Any]) -> int:
    # json.dumps escapes the lone surrogate as \ud800, as a hostile sender would.
    return (await bot.post_line(json.dumps(body).encode())).status


async def test_hostile_events_do_not_fail_good_ones_in_the_same_flush(
        db_url: str, tmp_path: Path) -> None:
    async with await _bot_on(db_url, tmp_path) as bot:
        bot.line.expire_all_reply_tokens = True
        bodies = [_good(i) for i in range(60)]
        bodies[10:10] = _hostile()
        statuses = await asyncio.gather(*(_post_raw(bot, b) for b in bodies))
        good = statuses[:10] + statuses[13:]
        assert good == [200] * 60
        assert statuses[10:13] == [200, 400, 200]  # cleaned, refused (id too long), cleaned
        rows = {r.event_key: r for r in await InboundEvent.all()}
        assert len(rows) == 62 and "0" * 200 not in rows
        assert "x\ufffdy" in rows["01SURROGATE000000000000001"].payload
        assert "\x00" not in rows["01NUL000000000000000000001"].conv_key
        counts = await bot.settle(timeout=30)
        assert counts["done"] == 62


async def test_a_failing_flush_is_retried_request_by_request(db: str) -> None:
    """Past the webhook checks (a bug, a new shape): only the bad request fails."""
    recorder = GroupRecorder()
    bad = inbox.NewEvent("bad", "line:c:u", {"text": "\ud800"})  # UTF-8 cannot store it
    goods = [inbox.NewEvent(f"good-{i}", "line:c:u", {"n": i}) for i in range(20)]
    results = await asyncio.gather(
        *(recorder.record("line", [e]) for e in goods[:10]), recorder.record("line", [bad]),
        *(recorder.record("line", [e]) for e in goods[10:]), return_exceptions=True)
    assert [r is None for r in results] == [True] * 10 + [False] + [True] * 10
    assert await InboundEvent.all().count() == 20


BAD_LINE_BODIES: list[tuple[str, bytes]] = [
    ("events not a list", b'{"destination": "U0", "events": {"a": 1}}'),
    ("no events", b'{"destination": "U0"}'),
    ("event not an object", b'{"events": ["x"]}'),
    ("source a string", json.dumps(line_body([{**line_text_event(USER, "hi"),
                                                "source": "user"}])).encode()),
    ("id not a string", json.dumps(line_body([{**line_text_event(USER, "hi"),
                                               "webhookEventId": 7}])).encode()),
    ("text not a string", json.dumps(line_body([{**line_text_event(USER, "hi"),
                                                 "message": {"type": "text", "id": "1",
                                                             "text": {"a": 1}}}])).encode()),
    ("nested 1,000 deep", b'{"events": ' + b"[" * 1000 + b"]" * 1000 + b"}"),
    ("nested 100,000 deep", b'{"events": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
    ("not UTF-8", b'{"events": [], "x": "\xff\xfe"}'),
]


@pytest.mark.parametrize(("name", "raw"), BAD_LINE_BODIES, ids=[n for n, _ in BAD_LINE_BODIES])
async def test_malformed_signed_line_bodies_get_400_one_line_no_row(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, name: str, raw: bytes) -> None:
    async with running_bot(tmp_path) as bot:
        caplog.clear()
        with caplog.at_level(logging.INFO):
            assert (await bot.post_line(raw)).status == 400
        _one_warning(caplog, "line webhook refused (400)")
        assert await InboundEvent.all().count() == 0


def _tg(**message: Any) -> dict[str, Any]:
    update = telegram_message_update(5001, 4242, 4242, "/start")
    update["message"].update(message)
    return update


BAD_TELEGRAM_UPDATES: list[tuple[str, Any]] = [
    ("message a string", {"update_id": 1, "message": "hi"}),
    ("from a string", _tg(**{"from": "me"})),
    ("chat a list", _tg(chat=[1, 2])),
    ("chat id a string", _tg(chat={"id": "x", "type": "private"})),
    ("text a number", _tg(text=5)),
    ("update_id a string", {"update_id": "1", "message": _tg()["message"]}),
    ("callback without from", {"update_id": 2, "callback_query": {"id": "q", "data": "x"}}),
    ("nested 1,000 deep", b'{"update_id": 3, "x": ' + b"[" * 1000 + b"]" * 1000 + b"}"),
]


@pytest.mark.parametrize(("name", "update"), BAD_TELEGRAM_UPDATES,
                         ids=[n for n, _ in BAD_TELEGRAM_UPDATES])
async def test_malformed_telegram_updates_get_400_one_line_no_row(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, name: str, update: Any) -> None:
    async with running_bot(tmp_path) as bot:
        caplog.clear()
        with caplog.at_level(logging.INFO):
            assert (await bot.post_telegram(update)).status == 400
        _one_warning(caplog, "telegram webhook refused (400)")
        assert await InboundEvent.all().count() == 0


async def test_forged_non_ascii_secrets_are_refused_not_crashed(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async with running_bot(tmp_path) as bot:
        body = json.dumps(_good(1)).encode()
        caplog.clear()
        with caplog.at_level(logging.INFO):
            assert (await bot.post_line(body, "簽章" + "A" * 40)).status == 401
        _one_warning(caplog, "line webhook refused (401)")
        caplog.clear()
        with caplog.at_level(logging.INFO):
            assert (await bot.post_telegram(_tg(), secret="密碼")).status == 403
        _one_warning(caplog, "telegram webhook refused (403)")
        assert await InboundEvent.all().count() == 0


async def test_local_chat_refuses_deep_json_with_400(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        for raw in (b"[" * 1000 + b"]" * 1000, b'{"user": "webuser01", "text": '
                    + b"[" * 100_000 + b"]" * 100_000 + b"}"):
            resp = await bot.client.post("/api/chat", data=raw)
            assert resp.status == 400


async def test_a_huge_message_is_cut_and_answered(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        event = line_text_event(USER, "住民大會" + "字" * 60_000 + "0912345678" * 100)
        assert (await bot.post_line(line_body([event]))).status == 200
        await bot.line.wait_for(1, timeout=15)
        assert (await bot.settle(timeout=15))["done"] == 1


def _one_warning(caplog: pytest.LogCaptureFixture, text: str) -> None:
    mine = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage()[:len(text)] for r in mine] == [text], [r.getMessage() for r in mine]
    assert all(r.exc_info is None for r in caplog.records)  # no traceback anywhere
