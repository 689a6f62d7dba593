"""Conversation scripts through the local platform: send -> expect reply."""

from __future__ import annotations

import asyncio

import pytest

from bot.core.types import Context, Incoming, Turn
from bot.dispatcher import Dispatcher
from bot.handlers.deps import Deps
from bot.storage import conversations
from bot.storage.models import Feedback, Member, Unanswered
from tests.chat import Chat


async def test_follow_greets_with_the_menu(chat: Chat) -> None:
    text = await chat.follow()
    assert "您好" in text
    labels = [c.label for c in chat.choices]
    assert "常見問題" in labels and "我的資料" in labels
    assert await Member.filter(user_id=chat.user).exists()


async def test_question_gets_a_sourced_answer_with_feedback(chat: Chat) -> None:
    text = await chat.send("住民大會要做什麼")
    assert "住民大會" in text and "資料來源" in text
    assert chat.meta["intent"] == "faq"
    await chat.press("👍")
    assert "謝謝" in chat.text
    assert await Feedback.filter(helpful=True).count() == 1


async def test_thumbs_down_logs_the_question(chat: Chat) -> None:
    await chat.send("i-Voting 投票人數多少")
    await chat.press("👎")
    row = await Unanswered.get(reason="thumbs_down")
    assert "i-Voting" in row.text or "投票" in row.text


async def test_browse_topics_then_a_question(chat: Chat) -> None:
    await chat.send("選單")
    await chat.press("常見問題")
    assert "請選擇主題" in chat.text
    await chat.press("提案流程")
    assert len(chat.choices) >= 3
    first = chat.choices[0].label
    await chat.press(first)
    assert chat.meta["intent"] == "faq"


async def test_off_topic_is_honest_and_logged(chat: Chat) -> None:
    text = await chat.send("今天股市如何")
    assert "抱歉" in text and chat.meta.get("faq_id") is None
    assert await Unanswered.filter(reason="no_match").count() == 1


async def test_english_question_gets_english(chat: Chat) -> None:
    text = await chat.send("What is i-Voting?")
    assert "vot" in text.lower() and chat.meta["intent"] == "faq"


async def test_flows_not_built_answer_honestly(chat: Chat) -> None:
    await chat.send("我要報名走讀")  # built now: the events flow answers (tests/test_events*)
    assert chat.meta["intent"] == "register" and "走讀" in chat.text
    await chat.send("取消投票提醒")
    assert chat.meta["intent"] == "ivoting"


async def test_my_data_view_and_delete_with_confirmation(chat: Chat) -> None:
    await chat.follow()
    await chat.send("我的資料")
    assert "首次使用" in chat.text
    assert "local" not in chat.text and "本機" in chat.text  # platforms by their names
    await chat.press("刪除我的資料")
    assert "確定" in chat.text
    await chat.press("確定刪除")
    assert "已刪除" in chat.text
    assert not await Member.filter(user_id=chat.user).exists()
    assert (await conversations.load(("local", chat.user, chat.user))).version == 0


async def test_stale_button_gets_a_polite_answer(chat: Chat) -> None:
    await chat.follow()
    await chat.send("我的資料")
    old_delete = next(c.payload for c in chat.choices if "刪除" in c.label)
    await chat.send("選單")  # new buttons: the old delete button is now stale
    await chat.press_payload(old_delete)
    assert "過期" in chat.text
    await chat.press_payload("not-a-payload-we-made")
    assert "過期" in chat.text


async def test_cancel_and_help_work_anywhere(chat: Chat) -> None:
    await chat.send("取消")
    assert "沒有進行中" in chat.text
    await chat.send("/help")
    assert "選單" in chat.text


async def test_odd_input_never_crashes(chat: Chat) -> None:
    for text in ["", "   ", "😀😀😀", "a" * 20000, "<script>alert(1)</script>", "\x00\x01"]:
        await chat.send(text)
        assert chat.replies, f"no reply to {text[:20]!r}"
    await chat.send("參與式預算是什麼" * 100)
    assert "訊息有點長" in chat.text


async def test_handler_crash_keeps_state_and_says_sorry(sqlite_db: str, deps: Deps,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    async def boom(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
        raise RuntimeError("bug")

    monkeypatch.setattr("bot.dispatcher.route", boom)
    chat = Chat(Dispatcher(deps))
    assert "出了點問題" in await chat.send("你好")


async def test_concurrent_messages_from_one_user_are_serialised(sqlite_db: str,
                                                                deps: Deps) -> None:
    dispatcher = Dispatcher(deps)
    chats = [Chat(dispatcher) for _ in range(5)]
    await asyncio.gather(*(c.send("選單") for c in chats))
    stored = await conversations.load(("local", "tester01", "tester01"))
    assert stored.version == 5  # five saves, none lost to a race


async def test_my_data_shows_the_first_use_as_a_taipei_date(chat: Chat) -> None:
    from datetime import UTC, datetime
    await chat.follow()
    # 06:05 in Taipei on 3 March is still 2 March in UTC
    first = datetime(2026, 3, 2, 22, 5, tzinfo=UTC)
    await Member.filter(user_id=chat.user).update(first_seen=first)
    text = await chat.send("我的資料")
    assert "2026-03-03" in text and "2026-03-02" not in text
