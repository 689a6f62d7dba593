"""The resident's side of the hand-off, through the real dispatcher on the local platform:
entry points, consent, the open ticket taking the resident's messages, closing, 「我的資料」."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.core.types import Waiting
from bot.handlers.deps import Deps
from bot.runtime.dispatcher import Dispatcher
from bot.storage.models import Job, Ticket, TicketMessage
from bot.storage.tickets import volunteers
from tests.chat import Chat

MONDAY_NOON = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)  # 12:00 in Taipei
SATURDAY_NIGHT = datetime(2026, 11, 28, 14, 0, tzinfo=UTC)  # Sat 22:00 in Taipei


def _chat(deps: Deps, when: datetime = MONDAY_NOON, user: str = "resident01") -> Chat:
    return Chat(Dispatcher(replace(deps, clock=lambda: when)), user=user)


async def _open(chat: Chat, question: str = "住民大會可以帶小孩去嗎") -> Ticket:
    await chat.send("我要找真人")
    await chat.send(question)
    await chat.press("士林區")
    await chat.press("同意轉交")
    return await Ticket.get(user_id=chat.user)


async def test_asking_for_a_person_says_when_asks_consent_and_opens_a_ticket(
        sqlite_db: str, deps: Deps) -> None:
    await volunteers.set_group("telegram", "-100123")
    chat = _chat(deps)
    text = await chat.send("我想請承辦人回我")
    assert "週一至週五 09:00–18:00" in text and "60 分鐘內" in text
    assert "我想請承辦人回我" not in text  # too short to be the question itself
    await chat.send("住民大會可以帶小孩去嗎？電話 0912345678")
    text = await chat.press("士林區")
    assert "同意" in text and "〔已遮蔽〕" in text and "0912345678" not in text
    assert not await Ticket.exists()  # nothing stored before consent
    text = await chat.press("同意轉交")
    ticket = await Ticket.get(user_id="resident01")
    assert f"#{ticket.ref}" in text and ticket.district == "士林區"
    assert "0912345678" not in ticket.question and ticket.guesses
    assert await Job.filter(kind="ticket_sync").count() == 1
    assert chat.meta["intent"] == "handoff"


async def test_off_duty_hours_say_when_volunteers_come_back(sqlite_db: str, deps: Deps) -> None:
    await volunteers.set_group("telegram", "-100123")
    text = await _chat(deps, SATURDAY_NIGHT).send("找真人")
    assert "不是值班時間" in text and "11/30（週一）09:00" in text


async def test_a_message_to_the_ticket_off_duty_says_when_someone_reads_it(
        sqlite_db: str, deps: Deps) -> None:
    await volunteers.set_group("telegram", "-100123")
    chat = _chat(deps, SATURDAY_NIGHT)
    ticket = await _open(chat)
    text = await chat.send("我想補充一下公園的位置在哪")
    assert f"#{ticket.ref}" in text and "不是值班時間" in text and "11/30（週一）09:00" in text


async def test_messages_go_to_the_open_ticket_and_a_clear_question_is_answered_too(
        sqlite_db: str, deps: Deps) -> None:
    chat = _chat(deps)
    ticket = await _open(chat)
    text = await chat.send("住民大會是什麼")  # an FAQ question while the ticket is open
    assert ticket.ref in text and "沒有志工群組" in text  # passed on: nobody reads it yet
    assert "第二個階段" in text  # the clear question is answered meanwhile
    assert any(isinstance(r, Waiting) for r in chat.replies)
    await chat.send("還有，要報名嗎")
    assert ticket.ref not in chat.text  # acknowledged once per burst, not after every line
    got = [m.text for m in await TicketMessage.filter(direction="in").order_by("id")]
    assert got == ["住民大會是什麼", "還有，要報名嗎"]
    # The menu and commands still work, and the ticket stays open afterwards.
    assert "請選擇" in await chat.send("選單")
    await chat.press("常見問題")
    await chat.send("第三句")
    assert await TicketMessage.filter(direction="in").count() == 3


async def test_end_closes_the_ticket_and_then_means_cancel_again(sqlite_db: str,
                                                                 deps: Deps) -> None:
    chat = _chat(deps)
    ticket = await _open(chat)
    assert "還開著" in await chat.send("取消")  # 「取消」 leaves steps; it says how to end
    assert (await Ticket.get(id=ticket.id)).status == "open"
    text = await chat.send("結束")
    assert "對話已結束" in text and ticket.ref in text
    closed = await Ticket.get(id=ticket.id)
    assert closed.status == "closed" and closed.close_reason == "resident"
    note = await TicketMessage.get(direction="note")
    assert "民眾已結束對話" in note.text  # the volunteers are told
    assert "沒有進行中的步驟" in await chat.send("結束")
    assert "住民大會" in await chat.send("住民大會是什麼")  # the FAQ answers again


async def test_a_ticket_survives_a_proposal_started_from_the_menu(sqlite_db: str,
                                                                 deps: Deps) -> None:
    chat = _chat(deps)
    await _open(chat)
    await chat.send("選單")
    await chat.press("我要提案")
    await chat.send("士林公園增設遮陽棚")  # the wizard's answer, not a ticket message
    assert not await TicketMessage.exists()
    await chat.send("取消")
    await chat.send("後來想問：遮陽棚誰維護")
    assert await TicketMessage.filter(direction="in").count() == 1


async def test_the_fallback_and_a_thumbs_down_offer_a_volunteer(sqlite_db: str,
                                                                deps: Deps) -> None:
    chat = _chat(deps)
    await chat.send("今天股市如何")
    assert any(c.label == "找志工" for c in chat.choices)
    await chat.send("住民大會是什麼")
    await chat.press("👎")
    text = await chat.press("找志工")
    assert "住民大會是什麼" in text  # the question just asked is offered
    await chat.press("就是這個")
    await chat.press("略過")
    await chat.press("同意轉交")
    assert (await Ticket.get(user_id=chat.user)).question == "住民大會是什麼"


async def test_menu_item_and_typed_word_mid_flow_start_it(sqlite_db: str, deps: Deps) -> None:
    chat = _chat(deps)
    await chat.send("選單")
    assert "找志工" in [c.label for c in chat.choices]
    await chat.press("找志工")
    assert "請輸入想問志工的問題" in chat.text
    await chat.send("我要提案")
    text = await chat.send("找真人")  # the rich menu's tile, in the middle of the wizard
    assert "請輸入想問志工的問題" in text


async def test_never_mind_and_bad_input_store_nothing(sqlite_db: str, deps: Deps) -> None:
    chat = _chat(deps)
    await chat.send("找真人")
    assert "2–500" in await chat.send("嗯")
    await chat.send("這個問題夠長了吧")
    assert "沒有找到這個行政區" in await chat.send("火星區")
    await chat.send("略過")
    assert "請按" in await chat.send("隨便")
    assert "沒有轉給志工" in await chat.press("不用了")
    assert not await Ticket.exists()


async def test_one_open_ticket_at_a_time(sqlite_db: str, deps: Deps) -> None:
    chat = _chat(deps)
    ticket = await _open(chat)
    text = await chat.send("找真人")
    assert "已經有一張進行中的單" in text and ticket.ref in text
    assert await Ticket.all().count() == 1


async def test_my_data_shows_and_deletes_tickets(sqlite_db: str, deps: Deps) -> None:
    chat = _chat(deps)
    await _open(chat)
    await chat.send("補充一下")
    text = await chat.send("我的資料")
    assert "找志工的紀錄：1 件" in text and "與志工往來的訊息：1 則" in text
    await chat.press("刪除我的資料")
    await chat.press("確定刪除")
    assert not await Ticket.exists() and not await TicketMessage.exists()


async def test_thanks_closes_only_after_an_answer(sqlite_db: str, deps: Deps) -> None:
    from bot.storage.tickets import store as tickets
    chat = _chat(deps)
    ticket = await _open(chat)
    await chat.send("謝謝")
    assert (await Ticket.get(id=ticket.id)).status == "open"  # nobody answered yet
    await tickets.volunteer_answered(ticket.ref, "可以。", user_id="1", name="Anna",
                                     source_key="t:1")
    assert "不客氣" in await chat.send("謝謝")
    assert (await Ticket.get(id=ticket.id)).close_reason == "thanks"


async def test_a_ticket_closed_by_a_volunteer_frees_the_chat(sqlite_db: str, deps: Deps) -> None:
    from bot.storage.tickets import store as tickets
    chat = _chat(deps)
    ticket = await _open(chat)
    await tickets.close(ticket.ref, "volunteer")
    assert "住民大會" in await chat.send("住民大會是什麼")
    assert not await TicketMessage.filter(direction="in").exists()
