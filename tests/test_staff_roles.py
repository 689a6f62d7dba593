"""Issue 22, points 1, 2 and 9: per-role command menus and help, a chat's language set (never
guessed), set-up mistakes refused with one line, districts waiting for a staff chat.

Updates go through the real webhook and adapter to the fake Bot API, which validates every call
against the spec (setMyCommands' scope included)."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bot.runtime.menus import queue_menus
from bot.storage.models import DistrictChat, Job, VolunteerGroup
from bot.storage.proposals import staff
from bot.storage.tickets import volunteers
from tests.bot_harness import Bot, running_bot
from tests.fakes.telegram_api import BOT_USER
from tests.staff_harness import CLERK, GROUP, run_jobs, set_up_office, submit

ROOT = Path(__file__).resolve().parent.parent
VOLUNTEERS = -1009876543210
HELPER = 8101
_ids = itertools.count(70_000)


def _message(chat: int, user: int, text: str) -> dict[str, Any]:
    """A command or mention in a group, or (other text) a reply to one of the bot's messages,
    which is what privacy mode lets the bot see."""
    update_id = next(_ids)
    where = {"id": chat, "type": "supergroup", "title": "群組"}
    message: dict[str, Any] = {
        "message_id": update_id, "date": int(time.time()), "chat": where,
        "from": {"id": user, "is_bot": False, "first_name": "志工"}, "text": text}
    if not text.startswith(("/", "@")):
        message["reply_to_message"] = {"message_id": 101, "date": int(time.time()),
                                       "chat": where, "from": BOT_USER, "text": "…"}
    if text.startswith("/"):
        word = text.split()[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(word)}]
    return {"update_id": update_id, "message": message}


async def _say(bot: Bot, chat: int, user: int, text: str) -> str:
    before = len(bot.telegram.sent_texts(chat))
    assert (await bot.post_telegram(_message(chat, user, text))).status == 200
    await bot.settle()
    await bot.telegram.wait_for("sendMessage", len(
        [c for c in bot.telegram.calls if c.method == "sendMessage"]))
    texts = bot.telegram.sent_texts(chat)
    assert len(texts) > before, f"no answer to {text!r}"
    return texts[-1]


async def _set_up(bot: Bot, lang: str = "zh-TW") -> None:
    await set_up_office()
    await staff.set_chat("士林區", "telegram", str(GROUP), lang)
    await volunteers.set_group("telegram", str(VOLUNTEERS))
    await volunteers.add("telegram", str(HELPER), name="小明")
    await queue_menus()  # what `run.py staff chat` and `run.py volunteers chat` queue
    await run_jobs(bot)


async def test_each_role_chat_gets_its_own_commands_and_help(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await _set_up(bot)
        assert not bot.telegram.errors
        residents = bot.telegram.commands()
        assert "mydata" in residents and "broadcast" not in residents
        office = bot.telegram.commands(GROUP)
        assert office[:4] == ["help", "broadcast", "broadcasts", "events"]
        assert "mydata" not in office
        helpers = bot.telegram.commands(VOLUNTEERS)
        assert "tickets" in helpers and "broadcast" not in helpers
        for word in ("/help", "/start"):
            text = await _say(bot, GROUP, CLERK, word)
            assert "士林區公所的承辦群組" in text and "/broadcast" in text
            assert text.count("例：") == len(office)  # one example per command
            assert "我要提案" not in text  # not the residents' menu
        text = await _say(bot, VOLUNTEERS, HELPER, "/help@civic_test_bot")
        assert "志工群組" in text and "/tickets" in text and "例：/tickets" in text
        whoami = await _say(bot, VOLUNTEERS, HELPER, "/whoami")
        assert str(HELPER) in whoami and "/tickets" in whoami and "run.py" not in whoami
        # A mention with a question gets the volunteers' help, not a resident's FAQ answer.
        text = await _say(bot, VOLUNTEERS, HELPER, "@civic_test_bot 什麼是參與式預算")
        assert "不回答民眾的問題" in text and "/tickets" in text
        assert not bot.telegram.errors


async def test_a_staff_chats_language_is_set_never_guessed(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await _set_up(bot)
        for word in ("/broadcast list", "/event", "help", "取消", "說明"):
            text = await _say(bot, GROUP, CLERK, word)
            assert any("\u4e00" <= ch <= "\u9fff" for ch in text), (word, text)
            assert "This is" not in text and "Sorry" not in text, (word, text)
        await staff.set_chat("士林區", "telegram", str(GROUP), "en")  # `--lang en`
        await queue_menus()
        await run_jobs(bot)
        for word in ("說明", "取消", "/help"):
            text = await _say(bot, GROUP, CLERK, word)
            assert "staff chat" in text or "Nothing" in text or "nothing" in text, (word, text)
        english = [c for c in bot.telegram.calls if c.method == "setMyCommands"
                   and (c.params.get("scope") or {}).get("chat_id") == GROUP][-1]
        assert "broadcast" in str(english.params["commands"][1]["description"])
        assert not bot.telegram.errors


def _run(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=120,
                          env={**os.environ, "DATABASE_URL": db_url})


async def test_set_up_mistakes_are_refused_with_one_line(sqlite_db: str) -> None:
    for args, words in (
            (("staff", "chat", "--district", "士林區", "--platform", "telegram",
              "--chat-id", "1001234567890"), "negative"),
            (("staff", "chat", "--district", "士林區", "--platform", "line",
              "--chat-id", "C1234"), "cannot host"),
            (("staff", "chat", "--district", "士林區", "--platform", "telegram",
              "--chat-id", "-100123", "--lang", "fr"), "language"),
            (("volunteers", "chat", "--platform", "telegram", "--chat-id", "1009876"),
             "negative")):
        proc = _run(sqlite_db, *args)
        lines = proc.stderr.strip().splitlines()
        assert proc.returncode == 2 and len(lines) == 1 and words in lines[0], (args, lines)
    assert not await DistrictChat.exists() and not await VolunteerGroup.exists()
    await submit("local", "resident", "261208-WAIT")
    proc = _run(sqlite_db, "staff", "chats")
    assert "士林區\t(no staff chat)\t1 proposal(s) waiting" in proc.stdout
    proc = _run(sqlite_db, "volunteers", "chat", "--platform", "telegram", "--chat-id", "-100987",
                "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    assert (await VolunteerGroup.get()).lang == "en"
    assert await Job.filter(kind="chat_commands").exists()


async def test_admins_are_told_when_a_district_has_no_staff_chat(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await staff.add_role("telegram", "9001", staff.ALL)
        await submit("local", "resident", "261208-NOCH")
        await run_jobs(bot)
        told = bot.telegram.sent_texts("9001")
        assert len(told) == 1 and "士林區還沒有承辦群組" in told[0] and "261208-NOCH" in told[0]
        assert not bot.telegram.errors
