"""The staff console without a browser: sign-in links, sessions, roles, districts, CSRF, the
chat's status change with the resident's notice, the audit trail, exports, the CLI."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook

from bot.common.logs import redact
from bot.storage import console
from bot.storage.models import (
    Broadcast,
    ConsoleLink,
    ConsoleSession,
    Event,
    EventRegistration,
    Feedback,
    Proposal,
    Ticket,
    TicketMessage,
    Unanswered,
)
from bot.storage.proposals import staff
from bot.storage.tickets import volunteers
from tests.bot_harness import running_bot
from tests.console_harness import (
    LINE_RESIDENT,
    csrf_of,
    in_two_days,
    link_for,
    news_subscribers,
    office_with_events,
    office_with_proposals,
    post,
    sign_in,
    some_tickets,
)
from tests.staff_harness import (
    BEITOU_CLERK,
    CLERK,
    STRANGER,
    group_message,
    group_sends,
    run_jobs,
    status_of,
)

ROOT = Path(__file__).resolve().parent.parent


async def test_a_link_signs_in_once_and_sets_a_safe_cookie(tmp_path: Path) -> None:
    async with running_bot(tmp_path, public_url="https://staff.example.org") as bot:
        await office_with_proposals()
        path = await link_for()
        assert (await ConsoleLink.all())[0].token_hash == console.digest(path.rsplit("/")[-1])
        assert (await bot.client.get(path)).status == 200  # a link preview does not use it
        resp = await bot.client.post(path, allow_redirects=False)
        assert resp.status == 303 and resp.headers["Location"] == "/staff"
        cookie = resp.headers["Set-Cookie"]
        for part in ("HttpOnly", "SameSite=Lax", "Secure", "Max-Age=43200", "Path=/staff"):
            assert part in cookie, cookie
        again = await bot.client.post(path, allow_redirects=False)
        assert again.status == 410 and "已經用過" in await again.text()
        shown = await bot.client.get(path)
        assert shown.status == 410 and "已經用過" in await shown.text()
        assert shown.headers["Cache-Control"] == "no-store"
        assert "frame-ancestors 'none'" in shown.headers["Content-Security-Policy"]


async def test_expired_unknown_and_roleless_links_get_a_clear_page(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await office_with_proposals()
        old = await console.new_link("telegram", str(CLERK),
                                     console.utcnow() - timedelta(minutes=11))
        resp = await bot.client.post(f"/staff/login/{old}")
        assert resp.status == 410 and "已過期" in await resp.text()
        resp = await bot.client.get("/staff/login/not-a-real-token")
        assert resp.status == 410 and "找不到" in await resp.text()
        resp = await bot.client.post(await link_for(STRANGER))
        assert resp.status == 403 and "沒有" in await resp.text()
        assert (await bot.client.get("/staff")).status == 401


async def test_forged_and_expired_cookies_are_refused(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await office_with_proposals()
        bot.client.session.cookie_jar.update_cookies({"staff_session": "forged-value"})
        resp = await bot.client.get("/staff/proposals")
        assert resp.status == 401 and "/console" in await resp.text()
        await sign_in(bot)
        assert (await bot.client.get("/staff/proposals")).status == 200
        await ConsoleSession.all().update(expires_at=console.utcnow() - timedelta(seconds=1))
        assert (await bot.client.get("/staff/proposals")).status == 401


async def test_only_own_districts_and_forms_need_their_csrf_token(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        refs = await office_with_proposals()
        await sign_in(bot)
        home = await bot.client.get("/staff")
        assert home.status == 200 and "士林區" in await home.text()
        listing = await (await bot.client.get("/staff/proposals")).text()
        assert refs["shilin"] in listing and refs["beitou"] not in listing
        other = await bot.client.get(f"/staff/proposal?ref={refs['beitou']}")
        assert other.status == 403 and "沒有這個頁面的權限" in await other.text()
        assert (await bot.client.get("/staff/proposals?district=北投區")).status == 200
        assert refs["beitou"] not in await (await bot.client.get(
            "/staff/proposals?district=北投區")).text()
        data = {"ref": refs["shilin"], "new": "accepted"}
        assert (await post(bot, "/staff/proposal/status", data, csrf=None)).status == 403
        assert (await post(bot, "/staff/proposal/status", data, csrf="wrong")).status == 403
        assert (await post(bot, "/staff/proposal/status", data, csrf="錯誤")).status == 403
        refused = await post(bot, "/staff/proposal/status", {"ref": refs["beitou"],
                                                              "new": "accepted"})
        assert refused.status == 403
        assert await status_of(refs["shilin"]) == "submitted"
        assert await status_of(refs["beitou"]) == "submitted"


async def test_status_change_is_the_chats_and_the_resident_gets_the_notice(
        tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        refs = await office_with_proposals()
        await sign_in(bot)
        bad = await post(bot, "/staff/proposal/status", {"ref": refs["shilin"], "new": "rejected",
                                                         "note": "x"})
        assert bad.status == 400 and "需要給提案人的說明" in await bad.text()
        resp = await post(bot, "/staff/proposal/status", {"ref": refs["shilin"],
                                                          "new": "needs_more",
                                                          "note": "請補上預估經費的明細"})
        assert resp.status == 303
        page = await (await bot.client.get(resp.headers["Location"])).text()
        assert "已通知提案人" in page and "請補上預估經費的明細" in page
        assert f"telegram {CLERK}" in page  # history and audit trail name the actor
        assert await status_of(refs["shilin"]) == "needs_more"
        await run_jobs(bot)
        notice = " ".join(bot.line.delivered_texts(LINE_RESIDENT))
        assert refs["shilin"] in notice and "請補上預估經費的明細" in notice
        stale = await post(bot, "/staff/proposal/status", {"ref": refs["shilin"],
                                                           "new": "done"})
        assert stale.status == 400  # needs_more cannot go to done: nothing changes
        assert await status_of(refs["shilin"]) == "needs_more"
        trail = await console.trail("proposal", refs["shilin"])
        assert [(a.action, a.actor) for a in trail] == [("status:needs_more",
                                                         f"staff:telegram:{CLERK}")]


async def test_search_and_exports_follow_the_filters(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        refs = await office_with_proposals()
        await staff.add_role("telegram", str(BEITOU_CLERK), "士林區")
        await sign_in(bot, BEITOU_CLERK)
        found = await (await bot.client.get("/staff/proposals?q=溫泉")).text()
        assert refs["beitou"] in found and refs["shilin"] not in found
        found = await (await bot.client.get(f"/staff/proposals?q={refs['shilin'][-4:]}")).text()
        assert refs["shilin"] in found and refs["beitou"] not in found
        csv = await (await bot.client.get("/staff/proposals/export?district=北投區")).text()
        assert refs["beitou"] in csv and refs["shilin"] not in csv
        xlsx = await (await bot.client.get("/staff/proposals/export?format=xlsx")).read()
        sheet = load_workbook(io.BytesIO(xlsx)).active
        assert sheet is not None
        cells = {str(c.value) for row in sheet.iter_rows() for c in row}
        assert refs["beitou"] in cells and refs["shilin"] in cells


async def test_removing_a_role_ends_the_sessions(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await office_with_proposals()
        await volunteers.add("telegram", str(CLERK), "小林")
        await sign_in(bot)
        await staff.remove_role("telegram", str(CLERK))
        assert await ConsoleSession.filter(user_id=str(CLERK)).exists()  # still a volunteer
        assert (await bot.client.get("/staff/proposals")).status == 403  # no district now
        assert (await bot.client.get("/staff")).status == 200
        await volunteers.remove("telegram", str(CLERK))
        assert not await ConsoleSession.filter(user_id=str(CLERK)).exists()
        assert (await bot.client.get("/staff")).status == 401


def _run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=60,
                          env={**os.environ, "DATABASE_URL": url, "PUBLIC_URL": "",
                               "HOST": "127.0.0.1", "PORT": "8080"})


async def test_cli_link_and_logout(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'bot.sqlite3'}"
    assert _run(url, "staff", "add", "--platform", "telegram", "--user-id", "7001",
                "--district", "士林區").returncode == 0
    refused = _run(url, "staff", "link", "--platform", "telegram", "--user-id", "7999")
    assert refused.returncode == 2 and "no staff or volunteer role" in refused.stderr
    made = _run(url, "staff", "link", "--platform", "telegram", "--user-id", "7001")
    assert made.returncode == 0, made.stderr
    link = made.stdout.strip()
    assert link.startswith("http://127.0.0.1:8080/staff/login/") and len(link.splitlines()) == 1
    async with running_bot(tmp_path) as bot:
        path = link.removeprefix("http://127.0.0.1:8080")
        assert (await bot.client.post(path, allow_redirects=False)).status == 303
        assert (await bot.client.get("/staff")).status == 200
        assert await csrf_of(bot)
    out = _run(url, "staff", "logout", "--platform", "telegram", "--user-id", "7001")
    assert out.returncode == 0 and "ended 1 console session" in out.stdout
    async with running_bot(tmp_path) as bot:
        assert not await ConsoleSession.all().exists()


async def test_console_command_sends_the_link_privately_and_it_signs_in(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await office_with_proposals()
        assert (await bot.post_telegram(group_message(CLERK, "/console"))).status == 200
        assert (await bot.post_telegram(group_message(STRANGER, "/console"))).status == 200
        await bot.settle()
        await run_jobs(bot)
        group = " ".join(p["text"] for p in group_sends(bot))
        assert "已私訊給您" in group and "/staff/login/" not in group
        assert "只開放給區公所人員與志工" in group
        private = [c.params["text"] for c in bot.telegram.calls if c.method == "sendMessage"
                   and str(c.params["chat_id"]) == str(CLERK)]
        assert len(private) == 1 and "/staff/login/" in private[0]
        path = "/staff/login/" + private[0].split("/staff/login/")[1].split()[0]
        assert (await bot.client.post(path, allow_redirects=False)).status == 303
        assert (await bot.client.get("/staff/proposals")).status == 200
        assert not await ConsoleLink.filter(user_id=str(STRANGER)).exists()
        direct = group_message(CLERK, "/console")
        direct["message"]["chat"] = {"id": CLERK, "type": "private"}
        await bot.post_telegram(direct)
        await bot.settle()
        answers = [c.params["text"] for c in bot.telegram.calls if c.method == "sendMessage"
                   and str(c.params["chat_id"]) == str(CLERK)]
        assert len(answers) == 2 and "/staff/login/" in answers[1] and answers[1] != private[0]
        old = await console.new_link("telegram", str(CLERK), console.utcnow() - timedelta(days=2))
        await console.new_link("telegram", str(CLERK))
        assert await console.link_problem(old) == "unknown"  # long-dead links are swept


async def test_events_list_check_in_undo_search_and_export(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await office_with_proposals()
        await office_with_events()
        await sign_in(bot)
        upcoming = await (await bot.client.get("/staff/events")).text()
        assert "士林走讀測試場" in upcoming and "北投溫泉走讀" not in upcoming
        assert "2／2" in upcoming
        past = await (await bot.client.get("/staff/events?when=past")).text()
        assert "士林提案培力課" in past and "士林走讀測試場" not in past
        assert (await bot.client.get("/staff/event?id=beitou-walk")).status == 403
        page = await (await bot.client.get("/staff/event?id=shilin-walk&q=k7q2x9")).text()
        assert "王小明" in page and "林美華" not in page
        reg = await EventRegistration.get(code="K7Q2X9")
        form = {"id": "shilin-walk", "reg": str(reg.id)}
        assert (await post(bot, "/staff/event/checkin", form, csrf=None)).status == 403
        done = await post(bot, "/staff/event/checkin", form)
        assert done.status == 303
        page = await (await bot.client.get(done.headers["Location"])).text()
        assert "已報到。" in page and "check-in K7Q2X9" in page
        row = await EventRegistration.get(id=reg.id)
        assert row.checked_in_at is not None and row.checked_in_by == f"telegram:{CLERK}"
        again = await post(bot, "/staff/event/checkin", form)
        assert "already" in again.headers["Location"]
        undo = await post(bot, "/staff/event/checkin", {**form, "undo": "1"})
        assert "done=undo" in undo.headers["Location"]
        assert (await EventRegistration.get(id=reg.id)).checked_in_at is None
        waiting = await EventRegistration.get(code="T5W2Z7")
        late = await post(bot, "/staff/event/checkin", {**form, "reg": str(waiting.id)})
        assert "notseat" in late.headers["Location"]
        other = await post(bot, "/staff/event/checkin", {"id": "beitou-walk", "reg": str(reg.id)})
        assert other.status == 403
        csv = await (await bot.client.get("/staff/event/export?id=shilin-walk")).text()
        assert "王小明" in csv and "陳大同" in csv
        xlsx = await bot.client.get("/staff/event/export?id=shilin-walk&format=xlsx&q=林美華")
        cells = {str(c.value) for row in load_workbook(io.BytesIO(await xlsx.read())).active
                 .iter_rows() for c in row}  # type: ignore[union-attr]
        assert "林美華" in cells and "王小明" not in cells
        trail = [a.action for a in await console.trail("event", "shilin-walk")]
        assert trail == ["check-in K7Q2X9", "undo check-in K7Q2X9"]


async def test_tickets_by_tab_search_by_word_and_masked_page(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await office_with_proposals()
        await some_tickets()
        await sign_in(bot)  # a 士林區 clerk: 士林's tickets only
        opened = await (await bot.client.get("/staff/tickets")).text()
        assert "T101" in opened and "T102" not in opened and "T103" not in opened
        assert "3 小時" in opened
        found = await (await bot.client.get("/staff/tickets?q=遮陽棚")).text()
        assert "T103" in found and "T101" not in found and "志工小林" in found
        assert "25 分" in found and "1 天 0 小時" in found  # first answer, time to close
        page = await (await bot.client.get("/staff/ticket?ref=T101")).text()
        assert "0912345678" not in page and "〔已遮蔽〕" in page
        assert (await bot.client.get("/staff/ticket?ref=T102")).status == 403
        await volunteers.add("telegram", "8001", "志工小林")
        await sign_in(bot, 8001)  # a volunteer sees every ticket, as in the group
        claimed = await (await bot.client.get("/staff/tickets?tab=claimed")).text()
        assert "T102" in claimed and "T101" not in claimed
        assert (await bot.client.get("/staff/ticket?ref=T102")).status == 200
        assert (await bot.client.get("/staff/proposals")).status == 403  # no district role


async def test_broadcast_preview_confirm_report_and_cancel(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await office_with_proposals()
        await news_subscribers()
        await sign_in(bot)
        form = {"text": "士林區住民大會 12/20 下午兩點在區公所舉行，歡迎參加。",
                "audience": "district:士林區", "at": in_two_days()}
        assert (await post(bot, "/staff/broadcasts/preview", form, csrf=None)).status == 403
        bad = await post(bot, "/staff/broadcasts/preview", {**form, "audience": "district:北投區"})
        assert bad.status == 400 and "您可以發送的對象" in await bad.text()
        shown = await post(bot, "/staff/broadcasts/preview", form)
        text = await shown.text()
        assert shown.status == 200 and "LINE 2" in text and "確認發送" in text
        assert "LINE 訊息用量：2 則" in text
        assert not await Broadcast.exists()  # nothing before 確認發送
        done = await post(bot, "/staff/broadcasts/confirm", form)
        assert done.status == 303
        cast = await Broadcast.get()
        assert (cast.status, cast.district, cast.total) == ("scheduled", "士林區", 0)
        page = await (await bot.client.get(done.headers["Location"])).text()
        assert "已排程發送" in page and "取消尚未發出的部分" in page
        listing = await (await bot.client.get("/staff/broadcasts")).text()
        assert f"#{cast.id}" in listing and "已排程" in listing
        cancelled = await post(bot, "/staff/broadcast/cancel", {"id": str(cast.id)})
        assert "done=cancelled" in cancelled.headers["Location"]
        assert (await Broadcast.get()).status == "cancelled"
        again = await post(bot, "/staff/broadcast/cancel", {"id": str(cast.id)})
        assert "done=gone" in again.headers["Location"]
        trail = [(a.action, a.actor) for a in await console.trail("broadcast", str(cast.id))]
        assert trail == [("create", f"staff:telegram:{CLERK}"),
                         ("cancel", f"staff:telegram:{CLERK}")]
        await sign_in(bot, BEITOU_CLERK)
        assert (await bot.client.get(f"/staff/broadcast?id={cast.id}")).status == 403
        assert (await post(bot, "/staff/broadcast/cancel", {"id": str(cast.id)})).status == 403


async def test_figures_for_a_district_and_month_with_svg_charts(tmp_path: Path) -> None:
    nov = datetime(2026, 11, 15, 4, 0, tzinfo=UTC)
    async with running_bot(tmp_path) as bot:
        refs = await office_with_proposals()
        await some_tickets()
        await Proposal.all().update(submitted_at=nov)
        await Proposal.filter(ref=refs["shilin"]).update(status="accepted")
        await Ticket.all().update(created_at=nov)
        await TicketMessage.all().update(created_at=nov + timedelta(minutes=40))
        await Event.create(id="nov-walk", kind="walk", title="十一月士林走讀", district="士林區",
                           starts=nov, ends=nov + timedelta(hours=2), place="士林", capacity=10,
                           host="士林區公所", summary="走讀", for_whom="市民")
        for n, came in enumerate((True, True, False, False)):
            await EventRegistration.create(
                event_id="nov-walk", platform="line", user_id=f"U{n:032d}",
                chat_id=f"U{n:032d}", status="registered", code=f"C{n}AAAA", token=f"t{n}",
                name=f"測試{n}", checked_in_at=nov if came else None)
        for text in ("垃圾車幾點來", "垃圾車幾點會來", "垃圾車幾點來"):
            await Unanswered.create(text=text, reason="no_match")
        await Unanswered.all().update(created_at=nov)
        await Feedback.create(platform="line", user_id="U1", faq_id="pb-what", helpful=True)
        await Feedback.all().update(created_at=nov)
        await sign_in(bot)
        page = await (await bot.client.get("/staff/figures?month=2026-11")).text()
        assert "統計：我負責的行政區・2026-11" in page
        assert "1 件" in page  # 士林's one proposal (北投's is not counted)
        assert "出席率 50%" in page and "4 人" in page
        assert "40 分" in page  # the median time to a first answer
        assert "垃圾車幾點來（3 次" in page
        assert page.count("<svg") == 3 and "<title" in page and "受理" in page
        empty = await (await bot.client.get("/staff/figures?month=2026-10")).text()
        assert "出席率 —" in empty and "0 件" in empty
        assert (await bot.client.get("/staff/figures?district=北投區")).status == 403


async def test_links_sessions_and_audit_on_each_backend(db: str) -> None:
    await staff.add_role("telegram", "7001", "士林區")
    token = await console.new_link("telegram", "7001")
    assert await console.link_problem(token) is None
    first, second = await asyncio.gather(console.use_link(token), console.use_link(token))
    assert sorted([isinstance(first, str), isinstance(second, str)]) == [False, True]
    assert await console.use_link(token) == "used" and await console.link_problem("x") == "unknown"
    cookie, row = await console.start_session("telegram", "7001")
    assert (await console.session(cookie)) is not None and row.token_hash != cookie
    assert await console.session(cookie + "x") is None
    await console.audit("event", "walk-1", "check-in K7Q2X9", "staff:telegram:7001")
    assert [a.action for a in await console.trail("event", "walk-1")] == ["check-in K7Q2X9"]
    assert await staff.remove_role("telegram", "7001") == 1
    assert await console.session(cookie) is None  # the last role went: signed out


def test_the_access_log_hides_the_sign_in_token() -> None:
    line = 'GET "/staff/login/AbC_12-xyz" 200 referer "https://x/staff/login/AbC_12-xyz?a=1"'
    assert "AbC_12-xyz" not in redact(line) and "/staff/login/[token]" in redact(line)


async def test_odd_input_gets_a_page_in_words_not_an_error(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await office_with_proposals()
        await office_with_events()
        await sign_in(bot)
        for path in ("/staff/broadcast?id=²", "/staff/broadcast?id=" + "9" * 30,
                     "/staff/event?id=" + "x" * 500, "/staff/ticket?ref=%00",
                     "/staff/proposal?ref=", "/staff/figures?month=2026-13&district=",
                     "/staff/proposals?q=" + "字" * 500 + "&status=nope"):
            resp = await bot.client.get(path)
            assert resp.status in (200, 404), (path, resp.status)
            assert "臺北市參與式預算工作台" in await resp.text()
        for form in ({"id": "shilin-walk", "reg": "abc"}, {"id": "shilin-walk"},
                     {"id": "shilin-walk", "reg": "1" * 40}):
            assert (await post(bot, "/staff/event/checkin", form)).status == 404
        assert (await post(bot, "/staff/broadcast/cancel", {"id": "-1"})).status == 404
        long = await post(bot, "/staff/broadcasts/preview", {"text": "字" * 1001,
                                                            "audience": "district:士林區"})
        assert long.status == 400 and "1001 字" in await long.text()
        late = await post(bot, "/staff/broadcasts/preview", {
            "text": "通知", "audience": "district:士林區", "at": "2020-01-01T09:00"})
        assert late.status == 400 and "60 天內" in await late.text()
