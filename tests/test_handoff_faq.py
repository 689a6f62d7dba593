"""轉成常見問題: a volunteer's answer becomes a suggestion without names, phone numbers or
addresses; staff accept it with `run.py faq-suggestions accept`, which writes a valid entry that
`check-content` passes and the next start answers (`run.py ask`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bot.nlp.kb import load_faq
from bot.storage.models import FaqSuggestion, Ticket
from tests.bot_harness import running_bot
from tests.handoff_harness import (
    ANNA,
    FORUM,
    card_buttons,
    in_topic,
    line_resident_opens_ticket,
    post,
    pressing,
    run_jobs,
    sends,
    set_up_group,
)

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "里民活動中心可以借來辦提案討論會嗎"
ANSWER = ("可以，向里辦公處登記借用即可，王先生會協助；地址是中山北路二段45巷3號，"
          "電話 02-2720-8889。借用免費。")


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=120, env={**os.environ, **env})


async def test_suggestion_scrubbed_accepted_checked_and_answered(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await set_up_group(FORUM, bot=bot)
        ticket = await line_resident_opens_ticket(bot, QUESTION)
        await run_jobs(bot)
        buttons = card_buttons(next(p for p in sends(bot, FORUM) if card_buttons(p)))
        await post(bot, pressing(ANNA, buttons["轉成常見問題"]))
        assert "還沒有志工回覆" in sends(bot, FORUM)[-1]["text"]
        thread = int((await Ticket.get(id=ticket.id)).thread_id or 0)
        await post(bot, in_topic(ANNA, ANSWER, thread))
        await post(bot, pressing(ANNA, buttons["轉成常見問題"]))
        assert "待工作人員審核" in sends(bot, FORUM)[-1]["text"]
        await post(bot, pressing(ANNA, buttons["轉成常見問題"]))  # twice: still one
        suggestion = await FaqSuggestion.get(ticket_ref=ticket.ref)
        assert await FaqSuggestion.all().count() == 1
    for private in ("王先生", "中山北路", "2720", "8889"):
        assert private not in suggestion.answer
    assert "里辦公處登記借用" in suggestion.answer and suggestion.question == QUESTION

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    env = {"DATABASE_URL": f"sqlite://{tmp_path / 'bot.sqlite3'}", "CONTENT_DIR": str(content)}
    listed = _run("faq-suggestions", "list", env=env)
    assert listed.returncode == 0 and f"#{ticket.ref}" in listed.stdout
    accepted = _run("faq-suggestions", "accept", str(suggestion.id), env=env)
    assert accepted.returncode == 0, accepted.stderr
    assert (content / "faq" / "volunteers.yaml").exists()
    assert not (ROOT / "content" / "faq" / "volunteers.yaml").exists()
    again = _run("faq-suggestions", "accept", str(suggestion.id), env=env)
    assert again.returncode == 2 and "already accepted" in again.stderr
    shipped = len(load_faq(ROOT / "content"))
    check = _run("check-content", env=env)
    assert check.returncode == 0 and f"{shipped + 1} FAQ entries" in check.stdout, check.stdout
    asked = _run("ask", "--json", QUESTION, env=env)
    answer = json.loads(asked.stdout.splitlines()[0])
    assert answer["faq_id"] == f"vol-{ticket.ref}" and "里辦公處" in answer["answer"]


async def test_an_entry_that_would_not_pass_is_not_written(tmp_path: Path, db: str) -> None:
    from bot.storage.tickets import volunteers
    await volunteers.suggest("777777", "住民大會是什麼", "答案 {name} 還沒寫", "telegram:1")
    row = await FaqSuggestion.get(ticket_ref="777777")
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    env = {"DATABASE_URL": db, "CONTENT_DIR": str(content)}
    refused = _run("faq-suggestions", "accept", str(row.id), env=env)
    assert refused.returncode == 2 and "placeholder" in refused.stderr
    assert "duplicate phrasing" in refused.stderr  # the FAQ has this question already
    assert not (content / "faq" / "volunteers.yaml").exists()
    assert (await FaqSuggestion.get(id=row.id)).status == "pending"
    fixed = _run("faq-suggestions", "accept", str(row.id), "--answer", "住民大會由各區召開。",
                 "--question", "住民大會在做什麼事情呀", "--entry-id", "vol-assembly", env=env)
    assert fixed.returncode == 2  # the resident's own phrasing is still a duplicate
    rejected = _run("faq-suggestions", "reject", str(row.id), env=env)
    assert rejected.returncode == 0 and (await FaqSuggestion.get(id=row.id)).status == \
        "rejected"
