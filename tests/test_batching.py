"""Group commit of webhook events and batched turns, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest

from bot.adapters.common import reply_text
from bot.core.progress import Progress
from bot.core.types import Context, Effect, Incoming, Reply, Text, Turn
from bot.runtime.dispatcher import Dispatcher
from bot.runtime.worker import InboxWorker
from bot.storage import conversations, inbox
from bot.storage.models import InboundEvent, Unanswered
from bot.storage.recorder import GroupRecorder
from tests.chat import shared_deps


def _event(n: int) -> inbox.NewEvent:
    return inbox.NewEvent(f"evt-{n}", f"line:c{n % 3}:u{n % 3}", {"n": n})


async def test_group_commit_records_all_and_acks_only_after_commit(
        db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    committed: set[str] = set()
    real = inbox.record_many

    async def spy(events: list[tuple[str, inbox.NewEvent]],
                  lease_seconds: float | None = None) -> list[InboundEvent]:
        rows = await real(events, lease_seconds)
        committed.update(e.event_key for _, e in events)  # the transaction has ended here
        return rows

    monkeypatch.setattr(inbox, "record_many", spy)
    recorder = GroupRecorder()

    async def post(n: int) -> None:
        batch = [_event(n), _event(n % 5)]  # events 0-4 arrive again: redeliveries
        await recorder.record("line", batch)
        assert {e.event_key for e in batch} <= committed  # answered only after the commit

    await asyncio.gather(*(post(n) for n in range(40)))
    assert await InboundEvent.all().count() == 40
    assert 1 <= recorder.flushes < 40  # requests shared transactions


async def test_group_commit_failure_reaches_every_waiting_request(
        db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(events: list[tuple[str, inbox.NewEvent]],
                     lease_seconds: float | None = None) -> list[InboundEvent]:
        await asyncio.sleep(0)
        raise ConnectionError("database went away")

    monkeypatch.setattr(inbox, "record_many", broken)
    recorder = GroupRecorder()
    results = await asyncio.gather(*(recorder.record("line", [_event(n)]) for n in range(5)),
                                   return_exceptions=True)
    assert all(isinstance(r, ConnectionError) for r in results)  # each answers 500, none 200


def _incoming(user: str, text: str) -> Incoming:
    return Incoming(platform="test", chat_id=user, user_id=user, text=text, event_key=text)


class Script:
    """A stand-in handler: appends the text to ctx.data['seen'] and logs it as an effect."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.interfere: dict[str, int] = {}  # text -> times to save the conversation behind us

    async def __call__(self, msg: Incoming, ctx: Context, deps: Any) -> Turn:
        self.calls.append(msg.text)
        if self.interfere.get(msg.text):
            self.interfere[msg.text] -= 1  # another process saves this conversation meanwhile
            await conversations.save(msg.key, ctx.version, replace(ctx, state="other"))
        seen = [*ctx.data.get("seen", []), msg.text]
        effect = Effect("unanswered", {"text": msg.text, "reason": "no_match", "lang": "zh"})
        return Turn(replace(ctx, data={"seen": seen}), (Text(",".join(seen)),), (effect,))


@pytest.fixture
def script(monkeypatch: pytest.MonkeyPatch) -> Script:
    handler = Script()
    monkeypatch.setattr("bot.runtime.dispatcher.route", handler)
    return handler


async def test_batched_turns_chain_one_conversation_in_order(db: str, script: Script) -> None:
    msgs = [_incoming("a", "a1"), _incoming("b", "b1"), _incoming("a", "a2"),
            _incoming("a", "a3")]
    outcome = await Dispatcher(shared_deps()).turns(msgs)
    assert outcome.retry == []
    texts = [reply_text(outcome.replies[i][0]) for i in range(4)]
    assert texts == ["a1", "b1", "a1,a2", "a1,a2,a3"]
    stored = await conversations.load(("test", "a", "a"))
    assert stored.data == {"seen": ["a1", "a2", "a3"]} and stored.version == 1  # one save
    logged = await Unanswered.all().order_by("id")
    assert [u.text for u in logged] == ["a1", "a2", "a3", "b1"]  # by conversation, in order
    assert all(u.created_at is not None and u.lang == "zh" for u in logged)


async def test_a_batch_logs_its_unanswered_questions_with_one_statement(
        db: str, script: Script, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = Unanswered.bulk_create

    async def counted(objects: list[Unanswered], *args: Any, **kwargs: Any) -> Any:
        calls.append(len(objects))
        return await real(objects, *args, **kwargs)

    monkeypatch.setattr(Unanswered, "bulk_create", counted)
    await Dispatcher(shared_deps()).turns([_incoming(u, f"{u}1") for u in "abcdef"])
    assert calls == [6] and await Unanswered.all().count() == 6


async def test_conflict_stores_nothing_for_that_conversation(db: str, script: Script) -> None:
    await conversations.save(("test", "a", "a"), 0, Context())
    script.interfere["a1"] = 1
    outcome = await Dispatcher(shared_deps()).turns(
        [_incoming("a", "a1"), _incoming("b", "b1"), _incoming("a", "a2")])
    assert outcome.retry == [0, 2] and list(outcome.replies) == [1]
    assert (await conversations.load(("test", "a", "a"))).state == "other"
    assert [u.text for u in await Unanswered.all()] == ["b1"]  # a's effects not applied


class FakeAdapter:
    """A platform whose payloads are {user, text}; deliveries are recorded."""

    platform = "test"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.fail = 0  # deliveries to refuse

    def to_incoming(self, payload: dict[str, Any], event_key: str) -> Incoming | None:
        return _incoming(payload["user"], payload["text"])

    async def deliver(self, payload: dict[str, Any], replies: list[Reply],
                      event_key: str, progress: Progress) -> None:
        if self.fail:
            self.fail -= 1
            raise ConnectionError("platform down")
        self.sent.append((payload["user"], reply_text(replies[0])))


async def _drain(worker: InboxWorker) -> None:
    for _ in range(10):
        if not await worker.run_once():
            return
    raise AssertionError("the inbox did not drain")


async def test_worker_reruns_conflicted_events_and_applies_effects_once(
        db: str, script: Script) -> None:
    await inbox.record("test", [inbox.NewEvent(f"e{i}", f"test:{u}:{u}", {"user": u, "text": t})
                                for i, (u, t) in enumerate([("a", "a1"), ("b", "b1"),
                                                            ("a", "a2"), ("b", "b2")])])
    await conversations.save(("test", "a", "a"), 0, Context())
    script.interfere["a1"] = 1
    adapter = FakeAdapter()
    await _drain(InboxWorker(Dispatcher(shared_deps()), {"test": adapter}))
    assert script.calls == ["a1", "a2", "b1", "b2", "a1", "a2"]  # a ran again on fresh state
    assert adapter.sent == [("b", "b1"), ("b", "b1,b2"), ("a", "a1"), ("a", "a1,a2")]
    assert sorted(u.text for u in await Unanswered.all()) == ["a1", "a2", "b1", "b2"]
    assert (await inbox.counts())["done"] == 4
    assert (await InboundEvent.get(event_key="e0")).attempts == 1  # a conflict is no failure


async def test_failed_delivery_after_the_save_only_redelivers(db: str, script: Script) -> None:
    await inbox.record("test", [inbox.NewEvent("e1", "test:a:a", {"user": "a", "text": "a1"})])
    adapter = FakeAdapter()
    adapter.fail = 1
    worker = InboxWorker(Dispatcher(shared_deps()), {"test": adapter})
    await worker.run_once()
    assert (await InboundEvent.get(event_key="e1")).status == "handled"
    await InboundEvent.filter(event_key="e1").update(locked_until=None)  # skip the back-off
    await _drain(worker)
    assert script.calls == ["a1"] and adapter.sent == [("a", "a1")]
    assert await Unanswered.all().count() == 1 and (await inbox.counts())["done"] == 1


async def test_a_conversation_is_not_chained_past_deleting_it(db: str, script: Script,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    async def forget(msg: Incoming, ctx: Context, deps: Any) -> Turn:
        if msg.text == "forget":
            return Turn(Context(), (Text("gone"),), (Effect("delete_my_data"),))
        return await script(msg, ctx, deps)

    monkeypatch.setattr("bot.runtime.dispatcher.route", forget)
    outcome = await Dispatcher(shared_deps()).turns(
        [_incoming("a", "a1"), _incoming("a", "forget"), _incoming("a", "a2")])
    assert outcome.retry == [2]  # a2 runs later, on the (deleted) stored state
    assert (await conversations.load(("test", "a", "a"))).version == 0


async def test_one_failing_event_does_not_hold_back_its_batch(db: str, script: Script,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    async def poisoned(msg: Incoming, ctx: Context, deps: Any) -> Turn:
        turn = await script(msg, ctx, deps)
        if msg.text == "a1":  # an effect that always fails when applied (a bug, say)
            return replace(turn, effects=(Effect("no_such_effect"),))
        return turn

    monkeypatch.setattr("bot.runtime.dispatcher.route", poisoned)
    await inbox.record("test", [inbox.NewEvent(f"e{i}", f"test:{u}:{u}", {"user": u, "text": t})
                                for i, (u, t) in enumerate([("a", "a1"), ("b", "b1"),
                                                            ("a", "a2"), ("c", "c1")])])
    adapter = FakeAdapter()
    await InboxWorker(Dispatcher(shared_deps()), {"test": adapter}).run_once()
    assert sorted(adapter.sent) == [("b", "b1"), ("c", "c1")]  # the others went out at once
    rows = {r.event_key: r for r in await InboundEvent.all()}
    assert rows["e1"].status == rows["e3"].status == "done"
    assert rows["e0"].status == rows["e2"].status == "pending"  # a2 waits behind a1, in order
    assert rows["e0"].error is not None and "no_such_effect" in rows["e0"].error
