"""The volunteers' side: who may act, atomic claims (two at once: one wins, the other hears
who), closing, sending one of the bot's guesses, /tickets, and the storage on both backends."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.core.types import Effect, Incoming
from bot.runtime.effects import apply_effect
from bot.storage import inbox
from bot.storage.models import Job, Ticket, TicketMessage
from bot.storage.tickets import store as tickets
from bot.storage.tickets import volunteers
from tests.bot_harness import Bot, running_bot
from tests.handoff_harness import (
    ANNA,
    BEN,
    FORUM,
    STRANGER,
    card_buttons,
    in_topic,
    line_resident_opens_ticket,
    line_texts,
    post,
    pressing,
    run_jobs,
    sends,
    set_up_group,
)
from tests.staff_harness import services_of


async def _posted(bot: Bot, question: str = "住民大會是什麼時候") -> tuple[Ticket, dict[str, str]]:
    """A LINE resident's ticket, posted in its topic; the ticket message's buttons."""
    ticket = await line_resident_opens_ticket(bot, question)
    await run_jobs(bot)
    card = next(p for p in sends(bot, FORUM) if card_buttons(p))
    return await Ticket.get(id=ticket.id), card_buttons(card)


async def test_claims_are_atomic_and_the_loser_hears_who(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_group(FORUM, bot=bot)
        ticket, buttons = await _posted(bot)
        thread = int(ticket.thread_id or 0)
        await post(bot, pressing(STRANGER, buttons["認領"], thread=thread))
        assert "還不是志工" in sends(bot, FORUM)[-1]["text"]
        assert (await Ticket.get(id=ticket.id)).claimed_by is None
        # Anna and Ben press at once: recorded together, so one batch of turns holds both.
        services = services_of(bot)
        assert services.telegram is not None
        both = [e for who in (ANNA, BEN) for e in services.telegram.events(
            pressing(who, buttons["認領"], thread=thread))]
        await inbox.record("telegram", both)
        services.worker.notify()
        await bot.settle()
        claimed = await Ticket.get(id=ticket.id)
        assert claimed.claimed_by in (str(ANNA), str(BEN))
        texts = [p["text"] for p in sends(bot, FORUM)[-2:]]
        assert sum("認領了" in t for t in texts) == 1
        assert sum(f"已由 {claimed.claimed_name} 認領" in t for t in texts) == 1
        assert bot.telegram.errors == []


async def test_sending_a_guess_closing_and_the_resident_is_told(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_group(FORUM, bot=bot)
        ticket, buttons = await _posted(bot, "住民大會是什麼")
        sends_ = [label for label in buttons if label.startswith("送出")]
        assert sends_ and all(len(buttons[s].encode()) <= 64 for s in sends_)
        await post(bot, pressing(ANNA, buttons[sends_[0]]))
        await run_jobs(bot)
        answer = await TicketMessage.get(direction="out")
        assert answer.faq_id and answer.faq_id in buttons[sends_[0]]
        assert "資料來源" in line_texts(bot)[-1] and ticket.ref in line_texts(bot)[-1]
        await post(bot, pressing(ANNA, buttons["結案"]))
        assert "結案" in sends(bot, FORUM)[-1]["text"]
        await run_jobs(bot)
        assert "志工已結束這次的對話" in line_texts(bot)[-1]
        await post(bot, pressing(BEN, buttons["結案"]))  # again: nothing more happens
        assert "已經結案" in sends(bot, FORUM)[-1]["text"]
        await post(bot, in_topic(ANNA, "補充一下", int(ticket.thread_id or 0)))
        assert "沒有轉給民眾" in sends(bot, FORUM)[-1]["text"]
        assert await Job.filter(kind="send", dedupe_key__startswith="tclose:").count() == 1


async def test_tickets_lists_open_ones_with_age_and_who_has_them(tmp_path: Path) -> None:
    from tests.handoff_harness import _group, _user
    async with running_bot(tmp_path) as bot:
        await set_up_group(FORUM, bot=bot)
        ticket, buttons = await _posted(bot, "提案有字數限制嗎")
        await post(bot, pressing(ANNA, buttons["認領"]))
        command = {"update_id": 990001, "message": {
            "message_id": 990001, "date": 1, "chat": _group(FORUM), "from": _user(BEN),
            "text": "/tickets", "entities": [{"type": "bot_command", "offset": 0,
                                              "length": 8}]}}
        await post(bot, command)
        listing = sends(bot, FORUM)[-1]["text"]
        assert f"#{ticket.ref}" in listing and "Anna" in listing and "分鐘前" in listing


async def test_claim_is_conditional_on_each_backend(db: str) -> None:
    ticket = await tickets.open_ticket("line", "U1", "U1", {"ref": "123456", "question": "q"})
    results = await asyncio.gather(tickets.claim("123456", "1", "Anna"),
                                   tickets.claim("123456", "2", "Ben"))
    assert sorted(results) == [False, True]
    msg = Incoming(platform="telegram", chat_id="-1", user_id="3")
    try:
        await apply_effect(msg, Effect("ticket_claim", {"ref": "123456", "name": "C"}))
    except Exception as exc:  # someone was first: the turn re-runs on fresh data
        assert type(exc).__name__ == "Conflict"
    else:
        raise AssertionError("a second claim must conflict")
    assert await tickets.close("123456", "volunteer")
    assert not await tickets.close("123456", "quiet")
    assert (await Ticket.get(id=ticket.id)).close_reason == "volunteer"


async def test_answers_are_relayed_once_per_source_on_each_backend(db: str) -> None:
    await tickets.open_ticket("line", "U1", "U1", {"ref": "654321", "question": "q"})
    first = await tickets.volunteer_answered("654321", "a", user_id="1", name="Anna",
                                             source_key="telegram:-1:10")
    again = await tickets.volunteer_answered("654321", "a", user_id="1", name="Anna",
                                             source_key="telegram:-1:10")
    assert first is not None and again is None
    assert (await Ticket.get(ref="654321")).claimed_by == "1"  # answering claimed it


async def test_volunteer_roles_and_the_group(db: str) -> None:
    assert await volunteers.add("telegram", "1", "Anna")
    assert not await volunteers.add("telegram", "1", "Anna B")  # had it; the name changes
    assert [v.name for v in await volunteers.everyone()] == ["Anna B"]
    await volunteers.set_group("telegram", "-1")
    await volunteers.set_group("telegram", "-2")  # replaces, never two
    group = await volunteers.group()
    assert group is not None and group.chat_id == "-2"
    assert await volunteers.remove("telegram", "1") == 1
    assert await volunteers.one("telegram", "1") is None


async def test_a_volunteer_sees_and_deletes_their_part(db: str) -> None:
    from bot.storage import people
    await volunteers.add("telegram", "55", "Anna")
    await tickets.open_ticket("line", "U1", "U1", {"ref": "111111", "question": "q"})
    await tickets.volunteer_answered("111111", "答", user_id="55", name="Anna", source_key="s")
    await people.ensure_member("telegram", "55")
    mine = await people.my_data("telegram", "55")
    assert mine is not None and mine["volunteer_role"] == 1 and mine["volunteer_answers"] == 1
    await people.delete_user("telegram", "55")
    answer = await TicketMessage.get(direction="out")
    assert (answer.author_id, answer.author_name, answer.text) == ("", "", "答")
    assert await volunteers.one("telegram", "55") is None
    resident = await people.my_data("line", "U1")
    assert resident is None  # never a member: nothing listed, but the ticket is theirs
    assert (await tickets.count_of_user("line", "U1"))["tickets"] == 1


def test_volunteers_cli_sets_up_and_refuses_bad_ids(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path / 'cli.sqlite3'}"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "run.py", "volunteers", *args], cwd=root,
                              text=True, capture_output=True, timeout=60, env=env)

    assert "added" in run("add", "--platform", "telegram", "--user-id", "8101",
                          "--name", "Anna").stdout
    chat = run("chat", "--platform", "telegram", "--chat-id", "-1005550001")
    assert chat.returncode == 0 and "0 open ticket(s) queued" in chat.stdout
    listed = run("list").stdout
    assert "-1005550001" in listed and "8101\tAnna" in listed
    for bad in (("add", "--platform", "line", "--user-id", "1"),
                ("add", "--platform", "telegram", "--user-id", "anna")):
        refused = run(*bad)
        assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1
    assert "removed 1" in run("remove", "--platform", "telegram", "--user-id", "8101").stdout


async def test_a_ticket_lease_is_held_by_one_worker_at_a_time(db: str) -> None:
    from bot.storage.tickets import relay as tickets_relay
    row = await tickets.open_ticket("line", "U1", "U1", {"ref": "222222", "question": "q"})
    taken = await asyncio.gather(*(tickets_relay.lease(row.id, tickets_relay.GROUP_LOCK)
                                   for _ in range(4)))
    assert sorted(taken) == [False, False, False, True]
    assert await tickets_relay.lease(row.id, tickets_relay.RESIDENT_LOCK)  # other direction
    await tickets_relay.release(row.id, tickets_relay.GROUP_LOCK)
    assert await tickets_relay.lease(row.id, tickets_relay.GROUP_LOCK)
