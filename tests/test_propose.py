"""The 構想書 wizard, scripted through the local platform: send -> expect reply."""

from __future__ import annotations

import asyncio

from bot.adapters.common import reply_text
from bot.core.types import Card
from bot.dispatcher import Dispatcher
from bot.handlers.deps import Deps
from bot.storage import proposals
from bot.storage.models import Job, Proposal, ProposalEvent
from tests.chat import Chat

ANSWERS = {
    "title": "巷弄增設路燈改善夜間安全",
    "place": "蘭雅里",
    "problem": "蘭雅里德行東路巷內沒有路燈，晚上長輩和學生回家很危險。",
    "solution": "在巷弄轉角與中段增設三盞 LED 路燈，並修剪遮擋的樹枝。",
    "beneficiaries": "巷內住戶與附近國小學童",
}


async def fill_until_preview(chat: Chat, *, contact: bool = True,
                             answers: dict[str, str] = ANSWERS) -> None:
    """Answer every step the ordinary way, ending at the preview."""
    await chat.send("我想提案")
    await chat.send(answers["title"])
    await chat.press("士林區")
    await chat.send(answers["place"])
    await chat.send("交通")  # a unique part of 「交通與道路」
    await chat.send(answers["problem"])
    await chat.send(answers["solution"])
    await chat.send(answers["beneficiaries"])
    await chat.send("五十萬元")
    if contact:
        await chat.press("同意留下")
        await chat.send("王小姐")
        await chat.send("0912-345-678")
    else:
        await chat.press("不留聯絡資料")


async def test_whole_flow_to_a_submitted_proposal(chat: Chat) -> None:
    await fill_until_preview(chat)
    card = chat.replies[-1]
    assert isinstance(card, Card) and card.title == "構想書預覽"
    for value in ("巷弄增設路燈", "士林區", "交通與道路", "約 500,000 元", "王小姐", "0912345678"):
        assert value in reply_text(card)
    await chat.press("送出提案")
    assert "提案已送出" in chat.text and chat.meta["intent"] == "propose"
    ref = str(chat.meta["ref"])
    row = await Proposal.get(ref=ref)
    assert row.status == "submitted" and row.district == "士林區"
    assert row.answers["cost"] == 500_000 and row.answers["category"] == "transport"
    assert row.contact == {"contact_name": "王小姐", "contact_phone": "0912345678"}
    assert f"/p/{row.token}" in chat.text
    assert await ProposalEvent.filter(proposal_id=row.id, status="submitted").count() == 1
    assert await Job.filter(kind="staff_notice").count() == 1  # the district office's notice


async def test_every_answer_is_saved_as_a_draft(chat: Chat) -> None:
    await chat.send("我要提案")
    assert await Proposal.all().count() == 0  # nothing typed yet: no empty draft
    await chat.send(ANSWERS["title"])
    row = await Proposal.get()
    assert row.status == "draft" and row.title == ANSWERS["title"]
    await chat.press("大安區")
    assert (await Proposal.get()).district == "大安區"


async def test_validation_messages_keep_the_step(chat: Chat) -> None:
    await chat.send("我想提案")
    assert "提案名稱" in await chat.send("路燈")  # too short: asked again
    assert "至少寫 4 個字" in chat.text
    assert "精簡到 40 字" in await chat.send("很" * 60)
    await chat.send("公園遮陽 🌳 Shade for kids")  # emoji and mixed scripts are fine
    assert "哪一區" in chat.text
    assert "選一個" in await chat.send("高雄")
    await chat.send("士林")  # an alias
    assert "里或" in chat.text
    for _ in range(3):
        await chat.send(ANSWERS["place"] if "里或" in chat.text else "其他")
    await chat.send(ANSWERS["problem"])
    await chat.send(ANSWERS["solution"])
    await chat.send(ANSWERS["beneficiaries"])
    assert "看不太懂" in await chat.send("很多錢")
    assert "之間" in await chat.send("5元")
    await chat.send("1.5萬")
    await chat.press("同意留下")
    await chat.send("陳先生")
    assert "電話格式" in await chat.send("12345")
    await chat.send("02-2720-8889")
    row = await Proposal.get()
    assert row.answers["cost"] == 15_000 and row.contact["contact_phone"] == "0227208889"


async def test_back_and_skip(chat: Chat) -> None:
    await chat.send("我想提案")
    assert "第一步" in await chat.send("上一步")
    await chat.send(ANSWERS["title"])
    await chat.press("上一步")
    assert "提案名稱" in chat.text and ANSWERS["title"] in chat.text  # the current value
    await chat.send("新的提案名稱好好寫")
    assert "哪一區" in chat.text
    assert "必填" in await chat.send("略過")
    assert (await Proposal.get()).title == "新的提案名稱好好寫"


async def test_skip_an_optional_step_and_no_contact(chat: Chat) -> None:
    await chat.send("我想提案")
    for text in (ANSWERS["title"], "北投", ANSWERS["place"], "公園", ANSWERS["problem"],
                 ANSWERS["solution"], ANSWERS["beneficiaries"]):
        await chat.send(text)
    await chat.press("略過")
    assert "聯絡" in chat.text
    await chat.send("不要")
    card = chat.replies[-1]
    assert isinstance(card, Card) and "概估經費：（未填）" in reply_text(card)
    assert "姓名" not in reply_text(card)
    assert (await Proposal.get()).contact is None


async def test_cancel_keeps_the_draft_and_resume_survives_a_restart(
        chat: Chat, deps: Deps) -> None:
    await chat.send("我想提案")
    await chat.send(ANSWERS["title"])
    await chat.press("中山區")
    assert "草稿已儲存" in await chat.send("取消")
    restarted = Chat(Dispatcher(deps), user=chat.user)  # a new process, the same database
    await restarted.send("我要提案")
    assert "還沒送出" in restarted.text
    await restarted.press("繼續")
    assert "繼續撰寫" in restarted.text and "里或" in restarted.text  # the first missing step
    await restarted.press("上一步")  # back also works after resuming
    assert "哪一區" in restarted.text and "中山區" in restarted.text


async def test_start_a_new_one_beside_a_draft(chat: Chat) -> None:
    await chat.send("我想提案")
    await chat.send(ANSWERS["title"])
    await chat.send("取消")
    await chat.send("我要提案")
    await chat.press("開始新的提案")
    await chat.send("第二個提案的名稱")
    assert await Proposal.filter(status="draft").count() == 2
    await chat.send("我的提案")
    assert ANSWERS["title"] in chat.text and "第二個提案的名稱" in chat.text


async def test_edit_a_field_from_the_preview(chat: Chat) -> None:
    await fill_until_preview(chat, contact=False)
    await chat.press("修改內容")
    await chat.press("類別")
    assert "哪一類" in chat.text
    await chat.press("文化與藝術")
    card = chat.replies[-1]
    assert isinstance(card, Card) and "類別：文化與藝術" in reply_text(card)
    await chat.press("修改內容")
    await chat.press("聯絡方式")
    await chat.press("同意留下")  # turning consent on asks the details, then the preview
    await chat.send("林先生")
    await chat.send("0987654321")
    card = chat.replies[-1]
    assert isinstance(card, Card) and "林先生" in reply_text(card)


async def test_stale_button_gets_a_polite_answer(chat: Chat) -> None:
    await chat.send("我想提案")
    await chat.send(ANSWERS["title"])
    old = next(c.payload for c in chat.choices if c.label == "士林區")
    await chat.press("信義區")
    assert "已經過期" in await chat.press_payload(old)
    assert (await Proposal.get()).district == "信義區"


async def test_similar_proposals_are_shown_before_submitting(chat: Chat, deps: Deps) -> None:
    other = Chat(Dispatcher(deps), user="neighbour01")
    await fill_until_preview(other, contact=False)
    await other.press("送出提案")
    await fill_until_preview(chat, contact=False,
                             answers={**ANSWERS, "title": "巷內路燈不足請增設"})
    await chat.press("送出提案")
    assert "很像" in chat.text and ANSWERS["title"] in chat.text
    await chat.press("仍要送出")
    assert "提案已送出" in chat.text
    assert await Proposal.filter(status="submitted").count() == 2


async def test_needs_more_then_resubmit_keeps_the_reference(chat: Chat) -> None:
    await fill_until_preview(chat, contact=False)
    await chat.press("送出提案")
    ref = str(chat.meta["ref"])
    note = "請補充路燈位置"
    assert await proposals.set_status(ref, "submitted", "needs_more", note, "staff:t:1")
    await chat.send("我的提案")
    assert "需要補件" in chat.text and "請補充路燈位置" in chat.text
    await chat.press("繼續")
    card = chat.replies[-1]
    assert isinstance(card, Card)  # everything answered: straight to the preview
    await chat.press("修改內容")
    await chat.press("建議做法")
    await chat.send("在巷口、轉角與中段各增設一盞 LED 路燈，共三盞。")
    await chat.press("送出提案")  # its own earlier version is not "similar"
    assert ref in chat.text
    row = await Proposal.get(ref=ref)
    assert row.status == "submitted" and "共三盞" in row.answers["solution"]


async def test_two_messages_at_once_are_taken_in_turn(chat: Chat, deps: Deps) -> None:
    await chat.send("我想提案")
    first = Chat(Dispatcher(deps), user=chat.user)
    await asyncio.gather(first.send(ANSWERS["title"]), chat.send("士林區"))
    row = await Proposal.get()
    assert row.title == ANSWERS["title"]  # one of the two answered the title step
    assert await Proposal.all().count() == 1


async def test_delete_my_data_removes_drafts_and_contact(chat: Chat) -> None:
    await fill_until_preview(chat)
    await chat.press("送出提案")
    await chat.send("我想提案")  # the only proposal is submitted: a new draft at once
    await chat.send("另一個還沒寫完的提案")
    await chat.send("我的資料")
    assert "提案草稿：1 份" in chat.text and "已送出的提案：1 件" in chat.text
    await chat.press("刪除我的資料")
    await chat.press("確定刪除")
    assert await Proposal.filter(status="draft").count() == 0
    kept = await Proposal.get()
    assert kept.user_id is None and kept.contact is None and kept.status == "submitted"


async def test_the_residents_own_proposal_is_called_theirs_in_the_similar_check(
        chat: Chat, deps: Deps) -> None:
    await fill_until_preview(chat, contact=False)
    await chat.press("送出提案")
    ref = str(chat.meta["ref"])
    await fill_until_preview(chat, contact=False,
                             answers={**ANSWERS, "title": "巷內路燈不足請增設"})
    await chat.press("送出提案")
    mine = [ln for ln in chat.text.splitlines() if ref in ln]
    assert mine and "您自己之前送出的提案" in mine[0]
    others = [ln for ln in chat.text.splitlines() if ln.startswith("・") and ref not in ln]
    assert all("您自己" not in ln for ln in others)
