"""轉成常見問題 (issue 22, point 6): the volunteer writes the question and the answer, the
resident's words are never copied; `run.py faq-suggestions accept` prints the entry and asks
(y/N, --yes), writes a valid entry that `check-content` passes and the next start answers
(`run.py ask`); check-content refuses a mask, a phone, an e-mail, a name with an address."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from bot.nlp.checks import personal_problems
from bot.nlp.kb import load_faq
from bot.storage.models import FaqSuggestion, Ticket
from tests.bot_harness import Bot, running_bot
from tests.handoff_harness import (
    ANNA,
    FORUM,
    card_buttons,
    in_topic,
    line_resident_opens_ticket,
    post,
    pressing,
    replying,
    run_jobs,
    sends,
    set_up_group,
)

ROOT = Path(__file__).resolve().parent.parent
RESIDENT = "我是〔已遮蔽〕，住士林區福林里，里民活動中心可以借我們開會嗎"
QUESTION = "里民活動中心可以借來辦提案討論會嗎"
ANSWER = ("可以，向里辦公處登記借用即可，王先生會協助；地址是中山北路二段45巷3號，"
          "電話 02-2720-8889。借用免費。")
CLEAN = "可以，向里辦公處登記借用即可，借用免費。"


def _run(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, text=True, input=stdin,
                          capture_output=True, timeout=120, env={**os.environ, **env})


async def _reply_to_prompt(bot: Bot, text: str) -> str:
    """ANNA replies to the bot's prompt in the forum's general topic; the bot's answer."""
    await post(bot, replying(ANNA, text, 101, chat=FORUM))
    return str(sends(bot, FORUM)[-1]["text"])


async def test_the_volunteer_writes_the_suggestion_never_the_residents_words(
        tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_group(FORUM, bot=bot)
        ticket = await line_resident_opens_ticket(bot, RESIDENT)
        await run_jobs(bot)
        buttons = card_buttons(next(p for p in sends(bot, FORUM) if card_buttons(p)))
        thread = int((await Ticket.get(id=ticket.id)).thread_id or 0)
        await post(bot, in_topic(ANNA, "可以的，請向里辦公處登記。", thread))
        await post(bot, pressing(ANNA, buttons["轉成常見問題"]))
        assert "回覆這則訊息" in sends(bot, FORUM)[-1]["text"]
        assert "個人資料" in await _reply_to_prompt(bot, "我是〔已遮蔽〕，住士林區福林里")
        assert "寫下答案" in await _reply_to_prompt(bot, QUESTION)
        assert "個人資料" in await _reply_to_prompt(bot, ANSWER)  # a phone and an address
        assert "待工作人員審核" in await _reply_to_prompt(bot, CLEAN)
        suggestion = await FaqSuggestion.get(ticket_ref=ticket.ref)
        assert not bot.telegram.errors
    assert suggestion.written and suggestion.question == QUESTION and suggestion.answer == CLEAN
    assert "福林里" not in suggestion.question + suggestion.answer

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    env = {"DATABASE_URL": f"sqlite://{tmp_path / 'bot.sqlite3'}", "CONTENT_DIR": str(content)}
    listed = _run("faq-suggestions", "list", env=env)
    assert listed.returncode == 0 and f"#{ticket.ref}" in listed.stdout
    asked = _run("faq-suggestions", "accept", str(suggestion.id), env=env, stdin="n\n")
    assert asked.returncode == 1 and f"vol-{ticket.ref}" in asked.stdout
    assert CLEAN in asked.stdout and "[y/N]" in asked.stdout
    assert not (content / "faq" / "volunteers.yaml").exists()
    accepted = _run("faq-suggestions", "accept", str(suggestion.id), env=env, stdin="y\n")
    assert accepted.returncode == 0, accepted.stderr
    written = (content / "faq" / "volunteers.yaml").read_text(encoding="utf-8")
    assert RESIDENT not in written and "已遮蔽" not in written
    assert not (ROOT / "content" / "faq" / "volunteers.yaml").exists()
    again = _run("faq-suggestions", "accept", str(suggestion.id), "--yes", env=env)
    assert again.returncode == 2 and "already accepted" in again.stderr
    shipped = len(load_faq(ROOT / "content"))
    check = _run("check-content", env=env)
    assert check.returncode == 0 and f"{shipped + 1} FAQ entries" in check.stdout, check.stdout
    asked = _run("ask", "--json", QUESTION, env=env)
    answer = json.loads(asked.stdout.splitlines()[0])
    assert answer["faq_id"] == f"vol-{ticket.ref}" and "里辦公處" in answer["answer"]


async def test_an_older_suggestion_is_never_published_as_it_stands(tmp_path: Path,
                                                                   db: str) -> None:
    from bot.storage.tickets import volunteers
    await volunteers.suggest("666666", RESIDENT, "王先生會協助，電話 0912345678", "telegram:1")
    row = await FaqSuggestion.get(ticket_ref="666666")
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    env = {"DATABASE_URL": db, "CONTENT_DIR": str(content)}
    listed = _run("faq-suggestions", "list", env=env).stdout
    assert "福林里" not in listed and "0912345678" not in listed
    refused = _run("faq-suggestions", "accept", str(row.id), "--yes", env=env)
    assert refused.returncode == 2 and "--question and --answer" in refused.stderr
    ok = _run("faq-suggestions", "accept", str(row.id), "--yes", "--question", QUESTION,
              "--answer", CLEAN, env=env)
    assert ok.returncode == 0, ok.stderr
    written = (content / "faq" / "volunteers.yaml").read_text(encoding="utf-8")
    assert "福林里" not in written and "0912345678" not in written and QUESTION in written


def test_check_content_refuses_a_residents_details() -> None:
    entry = load_faq(ROOT / "content")[0]
    for text, shape in (("我是〔已遮蔽〕，請協助", "mask"), ("請撥 0912-345-678", "phone"),
                        ("寄到 someone@example.com", "e-mail"),
                        ("王先生住士林區福林里", "name with an address"),
                        ("陳小姐，中山北路二段45巷3號", "name with an address")):
        problems = personal_problems(replace(entry, answer=text))
        assert any(shape in p for p in problems), (text, problems)
    assert personal_problems(entry) == []
    assert personal_problems(replace(entry, answer="住民大會由各區公所召開")) == []


async def test_an_entry_that_would_not_pass_is_not_written(tmp_path: Path, db: str) -> None:
    from bot.storage.tickets import volunteers
    await volunteers.suggest("777777", "住民大會是什麼", "答案 {name} 還沒寫", "telegram:1",
                             written=True)
    row = await FaqSuggestion.get(ticket_ref="777777")
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    env = {"DATABASE_URL": db, "CONTENT_DIR": str(content)}
    refused = _run("faq-suggestions", "accept", str(row.id), "--yes", env=env)
    assert refused.returncode == 2 and "placeholder" in refused.stderr
    assert "duplicate phrasing" in refused.stderr  # the FAQ has this question already
    assert not (content / "faq" / "volunteers.yaml").exists()
    assert (await FaqSuggestion.get(id=row.id)).status == "pending"
    fixed = _run("faq-suggestions", "accept", str(row.id), "--yes", "--answer",
                 "住民大會由各區召開。", "--question", "住民大會在做什麼事情呀", "--entry-id",
                 "vol-assembly", env=env)
    assert fixed.returncode == 2  # the suggested question is still a duplicate
    rejected = _run("faq-suggestions", "reject", str(row.id), env=env)
    assert rejected.returncode == 0 and (await FaqSuggestion.get(id=row.id)).status == \
        "rejected"
