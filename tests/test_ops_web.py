"""/metrics, /readyz and the webhook gate on the real app (fake LINE behind it)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from aiohttp import ClientSession
from prometheus_client.parser import text_string_to_metric_families

from bot.runtime.drain import LIFECYCLE
from tests.bot_harness import Bot, running_bot
from tests.fakes.webhooks import line_body, line_text_event

TOKEN = "metrics-s3cret"
USER = "U" + "7" * 32
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def _scrape(bot: Bot) -> tuple[str, dict[Any, float]]:
    resp = await bot.client.get("/metrics", headers=AUTH)
    assert resp.status == 200, await resp.text()
    assert resp.headers["Content-Type"].startswith("text/plain; version=")
    text = await resp.text()
    return text, _samples(text)


def _get(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_move_with_a_conversation(tmp_path: Path) -> None:
    async with running_bot(tmp_path, metrics_token=TOKEN) as bot:
        _, before = await _scrape(bot)
        event = line_text_event(USER, "什麼是參與式預算", reply_token="fresh-token-m1")
        assert (await bot.post_line(line_body([event]))).status == 200
        assert (await bot.post_line(line_body([event]), signature="bad")).status == 401
        await bot.line.wait_for(1)
        await bot.settle()
        text, after = await _scrape(bot)

        def moved(name: str, **labels: str) -> float:
            return _get(after, name, **labels) - _get(before, name, **labels)
        assert moved("civicbot_webhooks_total", platform="line", outcome="accepted") == 1
        assert moved("civicbot_webhooks_total", platform="line", outcome="bad_signature") == 1
        assert moved("civicbot_turns_total", platform="line", intent="faq") == 1
        assert moved("civicbot_answers_total", platform="line", how="reply") == 1
        assert moved("civicbot_answer_confidence_total", band="high") == 1
        assert moved("civicbot_delivery_attempts_total", platform="line") >= 1
        assert _get(after, "civicbot_inbox_events", status="pending") == 0
        assert _get(after, "civicbot_inbox_oldest_waiting_seconds") == 0
        assert _get(after, "civicbot_ready") == 1
        assert _get(after, "civicbot_sampled_timestamp_seconds") > 0
        for name in ("civicbot_jobs_due", "civicbot_tickets_unclaimed",
                     "civicbot_line_quota_remaining", "process_cpu_seconds_total"):
            assert name in text
        # Bounded labels only: no id, token or text of the conversation anywhere.
        for secret in (USER, "fresh-token-m1", "參與式預算", TOKEN):
            assert secret not in text


async def test_metrics_refused_without_the_token(tmp_path: Path) -> None:
    async with running_bot(tmp_path, metrics_token=TOKEN) as bot:
        assert (await bot.client.get("/metrics")).status == 401
        wrong = {"Authorization": "Bearer nope"}
        resp = await bot.client.get("/metrics", headers=wrong)
        assert resp.status == 401 and resp.headers["WWW-Authenticate"] == "Bearer"
        assert "civicbot" not in await resp.text()
    (tmp_path / "open").mkdir()  # an explicit SQLite directory must exist (issue 19)
    async with running_bot(tmp_path / "open") as bot:  # neither setting: never open
        resp = await bot.client.get("/metrics")
        assert resp.status == 403 and "METRICS_TOKEN" in await resp.text()


async def test_metrics_port_serves_them_on_its_own_listener_only(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with running_bot(tmp_path, metrics_port=port) as bot:
        assert (await bot.client.get("/metrics")).status == 404
        async with ClientSession() as http, http.get(f"http://127.0.0.1:{port}/metrics") as r:
            assert r.status == 200 and "civicbot_webhooks_total" in await r.text()


async def test_readyz_says_ready_then_not_while_draining(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        resp = await bot.client.get("/readyz")
        assert resp.status == 200 and (await resp.json())["state"] == "ready"
        lifecycle = bot.client.app[LIFECYCLE]
        lifecycle.set("starting")
        assert (await bot.client.get("/readyz")).status == 503
        lifecycle.set("draining")
        resp = await bot.client.get("/readyz")
        assert resp.status == 503 and (await resp.json())["state"] == "draining"
        event = line_text_event(USER, "你好")
        assert (await bot.post_line(line_body([event]))).status == 503  # the platform retries
        assert (await bot.client.get("/healthz")).status == 200  # still alive
        lifecycle.set("ready")


async def test_readyz_is_503_without_the_database(tmp_path: Path, monkeypatch: Any) -> None:
    from bot.runtime import ops_web

    class Down:
        def get(self, name: str) -> Any:
            raise ConnectionRefusedError("database down")
    async with running_bot(tmp_path) as bot:
        monkeypatch.setattr(ops_web, "connections", Down())
        resp = await bot.client.get("/readyz")
        body = await resp.json()
        assert resp.status == 503 and "database unavailable" in body["reason"]
