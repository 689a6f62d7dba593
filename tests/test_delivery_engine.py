"""The delivery engine end to end on each backend: batches, retry keys, 429s, blocked users,
the LINE quota, cancel, progress, expiry; against the fake LINE and Telegram servers."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.errors import DeliveryError
from bot.core.serialize import reply_from_dict
from bot.core.types import Text
from bot.storage import broadcasts as store
from bot.storage import people
from bot.storage.models import Broadcast, DeliveryBatch, Job, Member
from tests.delivery_harness import (
    STAFF_GROUP,
    delivering,
    line_user,
    news_subscribers,
    reloaded,
    send,
)

LINE_IDS = [line_user(i) for i in range(1, 1203)]  # 1,202: three multicasts (500, 500, 202)
TG_IDS = [str(5000 + i) for i in range(6)]


async def test_a_district_broadcast_reaches_each_subscriber_once(db: str) -> None:
    await news_subscribers("line", LINE_IDS)
    await news_subscribers("telegram", TG_IDS)
    await news_subscribers("line", [line_user(9999)], district="北投區")  # another district
    await people.set_followed("line", LINE_IDS[0], False)  # unfollowed: never messaged
    async with delivering(db) as rig:
        rig.telegram.blocked.add(TG_IDS[0])
        cast = await send("士林區公所週六淨山活動，歡迎參加！", "district:士林區")
        await rig.drain()
        multicasts = [r for r in rig.line.requests if r.path == "/v2/bot/message/multicast"]
        assert sorted(len(r.json["to"]) for r in multicasts) == [201, 500, 500]
        assert len({r.headers["X-Line-Retry-Key"] for r in multicasts}) == 3
        assert set(rig.line.received) == set(LINE_IDS[1:]) and max(
            rig.line.received.values()) == 1
        assert line_user(9999) not in rig.line.received and LINE_IDS[0] not in rig.line.received
        residents = {c: n for c, n in rig.telegram.received.items() if c != STAFF_GROUP}
        assert residents == {c: 1 for c in TG_IDS[1:]}
        done = await reloaded(cast)
        assert (done.status, done.sent, done.skipped, done.failed) == ("done", 1206, 1, 0)
        assert done.line_cost == 1201 and rig.line.used == 1201
        assert (await Member.get(platform="telegram", user_id=TG_IDS[0])).followed is False
        assert await store.reasons(cast.id) == {"blocked": 1}
        report = [t for t in rig.telegram.sent_texts(STAFF_GROUP) if f"#{cast.id}" in t]
        assert report and "已送達 1,206" in report[-1] and "封鎖機器人 1" in report[-1]
        # The stop button under a district broadcast, within Telegram's 64 bytes.
        markup = next(c.params for c in rig.telegram.calls if c.method == "sendMessage"
                      and str(c.params["chat_id"]) == TG_IDS[1])["reply_markup"]
        assert "news.stop" in markup["inline_keyboard"][0][0]["callback_data"]


async def test_a_retried_line_batch_is_answered_409_and_not_sent_twice(db: str) -> None:
    await news_subscribers("line", LINE_IDS[:3])
    async with delivering(db) as rig:
        cast = await send("測試", "district:士林區")
        await rig.services.jobs.run_once()  # started: the batch and its key are stored
        batch = await DeliveryBatch.get(broadcast_id=cast.id)
        # A process sent it, then died before recording it: the same key again.
        line = rig.services.line
        assert line is not None
        replies = [reply_from_dict(r) for r in cast.messages["zh-TW"]]
        await line.multicast(list(batch.recipients), replies, batch.retry_key)
        await rig.drain()
        assert rig.line.conflicts == 1
        assert dict(rig.line.received) == {u: 1 for u in LINE_IDS[:3]}
        assert (await reloaded(cast)).sent == 3


async def test_429s_are_retried_with_a_pause_and_nothing_is_doubled(db: str) -> None:
    await news_subscribers("line", LINE_IDS[:600])
    await news_subscribers("telegram", TG_IDS)
    async with delivering(db) as rig:
        cast = await send("測試", "district:士林區")
        await rig.services.jobs.run_once()  # started (the quota read before is not failed)
        rig.line.fail_next = [429, 500]
        rig.telegram.fail_next = [{"error_code": 429, "description": "Too Many Requests",
                                   "parameters": {"retry_after": 2}}]
        before = time.time()
        await rig.step()  # the other chats of the round wait out the pause, then go
        assert rig.services.limits._paused["telegram"] >= before + 2
        held = await DeliveryBatch.get(broadcast_id=cast.id, error="Telegram 429")
        assert held.run_at.timestamp() >= before + 2 and held.status != "sent"
        await rig.drain()
        assert set(rig.line.received) == set(LINE_IDS[:600])
        assert max(rig.line.received.values()) == 1
        assert {rig.telegram.received[c] for c in TG_IDS} == {1}
        assert (await reloaded(cast)).sent == 606


async def test_over_the_quota_is_refused_before_anything_is_sent(db: str) -> None:
    await news_subscribers("line", LINE_IDS[:150])
    async with delivering(db) as rig:
        rig.line.quota, rig.line.used = 200, 100
        cast = await send("測試", "district:士林區")
        await rig.drain()
        done = await reloaded(cast)
        assert done.status == "refused" and "needs 150, 100 left" in done.error
        assert not rig.line.received and rig.line.used == 100
        assert any("needs 150, 100 left" in t for t in rig.telegram.sent_texts(STAFF_GROUP))


async def test_a_quota_spent_while_sending_stops_the_broadcast(db: str) -> None:
    await news_subscribers("line", LINE_IDS[:1000])
    async with delivering(db) as rig:
        rig.line.quota = 1000
        cast = await send("測試", "district:士林區")
        await rig.services.jobs.run_once()  # passes the check: 1,000 needed, 1,000 left
        rig.line.used = 500  # someone else used half of it meanwhile
        await rig.drain()
        done = await reloaded(cast)
        assert done.status == "stopped" and done.sent == 500 and len(rig.line.received) == 500
        assert await store.reasons(cast.id) == {"quota": 500}
        assert any("中途停止" in t for t in rig.telegram.sent_texts(STAFF_GROUP))


async def test_a_telegram_send_in_flight_at_a_crash_is_resent_once(db: str) -> None:
    await news_subscribers("telegram", TG_IDS[:2])
    async with delivering(db) as rig:
        cast = await send("測試", "district:士林區")
        await rig.services.jobs.run_once()
        # A worker recorded `sending` for the first chat, then died (its lease ran out).
        first = await DeliveryBatch.filter(broadcast_id=cast.id).order_by("id").first()
        assert first is not None
        await DeliveryBatch.filter(id=first.id).update(
            status="sending", claim="dead", locked_until=datetime.now(UTC) - timedelta(1))
        await rig.drain()
        assert [rig.telegram.received[c] for c in TG_IDS[:2]] == [1, 1]
        assert (await reloaded(cast)).status == "done"


async def test_cancel_stops_the_batches_not_yet_sent(db: str) -> None:
    await news_subscribers("telegram", TG_IDS)
    async with delivering(db) as rig:
        cast = await send("測試", "district:士林區")
        await rig.services.jobs.run_once()
        assert await store.set_status(cast.id, "cancelled", "cancelled")
        await rig.drain()
        assert not any(rig.telegram.received[c] for c in TG_IDS)
        assert await store.reasons(cast.id) == {"cancelled": 6}
        assert await DeliveryBatch.filter(broadcast_id=cast.id, status="cancelled").count() == 6


async def test_progress_is_reported_every_tenth_and_expired_ones_are_skipped(db: str) -> None:
    ids = [str(7000 + i) for i in range(20)]
    await news_subscribers("telegram", ids)
    async with delivering(db) as rig:
        rig.services.engine.progress_min = 10
        rig.services.engine.claim_size["telegram"] = 4
        cast = await send("測試", "district:士林區")
        await rig.drain()
        tenths = [k for k in await Job.filter(dedupe_key__contains=":progress:")
                  .values_list("dedupe_key", flat=True)]
        assert len(tenths) >= 4 and all(k.startswith(f"broadcast:{cast.id}:") for k in tenths)
        expired = await send("舊的提醒", "district:士林區")
        await store.start(expired.id, [store.NewBatch("telegram", "zh-TW", [ids[0]])], 0, False)
        await DeliveryBatch.filter(broadcast_id=expired.id).update(run_at=datetime.now(UTC))
        await Broadcast.filter(id=expired.id).update(
            expires_at=datetime.now(UTC) - timedelta(minutes=1))
        await rig.drain()
        assert await store.reasons(expired.id) == {"expired": 1}
        assert rig.telegram.received[ids[0]] == 1  # only the first broadcast's message


async def test_single_pushes_go_through_the_engine(db: str) -> None:
    """Other features' pushes (Services.pusher): paced, paused by a 429, blocked users marked
    and never pushed to again, all without changing how they call it."""
    await people.ensure_members({("telegram", "9001"), ("telegram", "9002")})
    async with delivering(db) as rig:
        pusher = rig.services.pusher("telegram")
        assert pusher is not None
        rig.telegram.blocked.add("9001")
        with pytest.raises(DeliveryError) as blocked:
            await pusher.push_replies("9001", [Text("活動提醒")], "remind:1")
        assert blocked.value.permanent
        assert (await Member.get(platform="telegram", user_id="9001")).followed is False
        calls = len(rig.telegram.calls)
        with pytest.raises(DeliveryError):  # known gone: not even tried
            await pusher.push_replies("9001", [Text("活動提醒")], "remind:2")
        assert len(rig.telegram.calls) == calls
        rig.telegram.fail_next = [{"error_code": 429, "description": "Too Many Requests",
                                   "parameters": {"retry_after": 9}}]
        with pytest.raises(DeliveryError):
            await pusher.push_replies("9002", [Text("活動提醒")], "remind:3")
        assert await rig.services.limits.paused_for("telegram") > 8


async def test_residents_who_unfollow_after_the_start_are_skipped_at_send_time(db: str) -> None:
    ids = LINE_IDS[:600]  # two multicasts: 500 and 100
    await news_subscribers("line", ids)
    async with delivering(db) as rig:
        cast = await send("士林區公所週六淨山活動，歡迎參加！", "district:士林區")
        await rig.services.jobs.run_once()  # started: the batches hold all 600
        assert await DeliveryBatch.filter(broadcast_id=cast.id).count() == 2
        for user in [ids[0], ids[1], *ids[500:]]:  # 2 of the first batch, all of the second
            await people.set_followed("line", user, False)
        await rig.drain()
        multicasts = [r for r in rig.line.requests if r.path == "/v2/bot/message/multicast"]
        assert [len(r.json["to"]) for r in multicasts] == [498]
        assert set(rig.line.received) == set(ids[2:500])
        done = await reloaded(cast)
        assert (done.status, done.sent, done.skipped, done.failed) == ("done", 498, 102, 0)
        assert await store.reasons(cast.id) == {"unfollowed": 102}
