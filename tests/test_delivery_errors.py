"""Platform failures become DeliveryError: permanent or not, quota, retry_after."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.errors import DeliveryError
from bot.core.types import Text
from bot.runtime.services import SERVICES
from tests.bot_harness import running_bot

USER = "U" + "3" * 32


@pytest.mark.parametrize(("fail", "permanent", "quota"), [
    (500, False, False), (403, True, False), (429, False, False),
    ((429, "You have reached your monthly limit."), True, True)])
async def test_line_push_failures_are_classified(tmp_path: Path, fail: int | tuple[int, str],
                                                 permanent: bool, quota: bool) -> None:
    async with running_bot(tmp_path) as bot:
        line = bot.client.app[SERVICES].line
        assert line is not None
        bot.line.fail_next.append(fail)
        with pytest.raises(DeliveryError) as caught:
            await line.push_replies(USER, [Text("嗨")], "seed-1")
        assert (caught.value.permanent, caught.value.quota) == (permanent, quota)
        assert await line.push_replies(USER, [Text("嗨")], "seed-2")  # the next one goes out


@pytest.mark.parametrize(("fail", "permanent", "retry_after"), [
    ({"error_code": 429, "description": "Too Many Requests: retry after 3",
      "parameters": {"retry_after": 3}}, False, 3.0),
    ({"error_code": 403, "description": "Forbidden: bot was blocked by the user"}, True, None),
    ({"error_code": 400, "description": "Bad Request: message thread not found"}, True, None)])
async def test_telegram_send_failures_are_classified(tmp_path: Path, fail: dict[str, object],
                                                     permanent: bool,
                                                     retry_after: float | None) -> None:
    async with running_bot(tmp_path) as bot:
        telegram = bot.client.app[SERVICES].telegram
        assert telegram is not None
        bot.telegram.fail_next.append(fail)
        with pytest.raises(DeliveryError) as caught:
            await telegram.push_replies("4242", [Text("嗨")], "seed")
        assert (caught.value.permanent, caught.value.retry_after) == (permanent, retry_after)


async def test_job_runner_gives_up_on_permanent_and_waits_as_told_on_transient(db: str) -> None:
    from datetime import UTC, datetime

    from bot.runtime.jobs import JobRunner
    from bot.storage import jobs
    from bot.storage.models import Job

    errors = {"blocked": DeliveryError("blocked", permanent=True, status=403),
              "slow": DeliveryError("429", permanent=False, status=429, retry_after=30)}

    async def send(payload: dict[str, object], job: Job) -> None:
        raise errors[str(payload["case"])]

    for case in errors:
        await jobs.enqueue("send", {"case": case}, dedupe_key=case)
    await JobRunner({"send": send}).run_once()
    blocked, slow = await Job.get(dedupe_key="blocked"), await Job.get(dedupe_key="slow")
    assert blocked.status == "failed" and blocked.error == "blocked"
    assert slow.status == "pending" and slow.locked_until is not None
    wait = (slow.locked_until - datetime.now(UTC)).total_seconds()
    assert 25 < wait <= 30
