"""The embedded default has samples to try; a real deployment never gets them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from bot.common.settings import load_settings
from bot.runtime.demo import load_samples
from bot.runtime.services import build_services
from bot.runtime.web import build_app
from bot.storage.models import Event, IVotingPeriod
from tests.bot_harness import running_bot
from tests.chat import shared_deps


async def _local_chat(tmp_path: Path, **settings: object) -> list[str]:
    values = {"database_url": f"sqlite://{tmp_path / 'demo.sqlite3'}", **settings}
    config = load_settings(**values)
    client = TestClient(TestServer(build_app(config, build_services(config, shared_deps()))))
    await client.start_server()
    try:
        said = []
        for text in ("活動報名", "i-Voting 什麼時候"):
            resp = await client.post("/api/chat", json={"user": "demo-user-1", "text": text})
            said.append("\n".join(r["text"] for r in (await resp.json())["replies"]))
        return said
    finally:
        await client.close()


async def test_the_local_chat_on_sqlite_shows_sample_events_and_periods(tmp_path: Path) -> None:
    events, voting = await _local_chat(tmp_path)
    assert "（範例）" in events and "報名" in events
    assert "範例" in voting and "目前沒有排定的投票" not in voting


async def test_no_samples_when_turned_off(tmp_path: Path) -> None:
    events, voting = await _local_chat(tmp_path, demo_samples=False)
    assert "範例" not in events and "目前沒有排定的投票" in voting


async def test_samples_go_only_into_an_empty_database(sqlite_db: str) -> None:
    settings = load_settings(database_url=sqlite_db)
    await load_samples(settings)
    loaded = await Event.all().count()
    await load_samples(settings)  # a restart loads nothing more
    assert loaded > 0 and await Event.all().count() == loaded
    await Event.all().delete()
    await Event.create(id="real-walk", kind="walk", title="士林走讀", district="士林區",
                       starts=datetime(2030, 1, 5, 1, tzinfo=UTC),
                       ends=datetime(2030, 1, 5, 3, tzinfo=UTC), place="士林", capacity=10,
                       host="士林區公所", summary="走讀", for_whom="市民")
    await load_samples(settings)  # an office's own events: no samples beside them
    assert await Event.all().count() == 1


async def test_a_deployment_with_a_platform_gets_no_samples(tmp_path: Path) -> None:
    async with running_bot(tmp_path):
        assert not await Event.exists() and not await IVotingPeriod.exists()
