"""Helpers for the staff console tests: the running bot with an office, sign-in by link."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import ClientResponse

from bot.proposals.dates import TAIPEI
from bot.storage import console, subscriptions
from bot.storage.models import Event, EventRegistration, Ticket, TicketMessage
from tests.bot_harness import Bot
from tests.events_harness import far, load
from tests.staff_harness import CLERK, set_up_office, submit

LINE_RESIDENT = "U" + "1" * 32
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def office_with_proposals() -> dict[str, str]:
    """士林區 and 北投區 clerks, a LINE resident's 士林 proposal and a 北投 one."""
    await set_up_office()
    await submit("line", LINE_RESIDENT, "261201-SLAB", title="士林公園增設遮陽棚")
    await submit("line", "U" + "2" * 32, "261201-BTCD", district="北投區",
                 title="北投溫泉路人行道拓寬")
    return {"shilin": "261201-SLAB", "beitou": "261201-BTCD"}


async def link_for(user_id: int = CLERK) -> str:
    """A fresh one-time sign-in path for a Telegram user."""
    return f"/staff/login/{await console.new_link('telegram', str(user_id))}"


async def sign_in(bot: Bot, user_id: int = CLERK) -> ClientResponse:
    """Open a link and press 登入 with the test client (its cookie jar keeps the session)."""
    path = await link_for(user_id)
    page = await bot.client.get(path)
    assert page.status == 200, await page.text()
    return await bot.client.post(path, allow_redirects=False)


async def csrf_of(bot: Bot, path: str = "/staff") -> str:
    """The CSRF token in a page's forms."""
    found = CSRF.search(await (await bot.client.get(path)).text())
    assert found is not None
    return found.group(1)


async def post(bot: Bot, path: str, data: dict[str, Any], csrf: str | None = "auto"
               ) -> ClientResponse:
    """POST a console form (with the session's CSRF token unless told otherwise)."""
    if csrf == "auto":
        csrf = await csrf_of(bot)
    if csrf is not None:
        data = {**data, "csrf": csrf}
    return await bot.client.post(path, data=data, allow_redirects=False)



async def office_with_events() -> None:
    """A 士林 walk with two seats taken and one waiting, a 北投 walk, a past 士林 course."""
    await load(far("shilin-walk"), far("beitou-walk", district="北投區", title="北投溫泉走讀"))
    await Event.create(id="shilin-past", kind="course-basic", title="士林提案培力課（已結束）",
                       district="士林區", starts=datetime(2025, 5, 3, 1, 30, tzinfo=UTC),
                       ends=datetime(2025, 5, 3, 3, 30, tzinfo=UTC), place="士林區公所",
                       capacity=20, host="士林區公所", summary="課程", for_whom="市民")
    for n, (status, code, name) in enumerate((("registered", "K7Q2X9", "王小明"),
                                              ("registered", "M3P8R4", "林美華"),
                                              ("waiting", "T5W2Z7", "陳大同"))):
        await EventRegistration.create(
            event_id="shilin-walk", platform="line", user_id=f"U{n:032d}",
            chat_id=f"U{n:032d}", status=status, code=code, token=secrets.token_urlsafe(16),
            name=name)


async def some_tickets() -> None:
    """An open 士林 ticket, a claimed 北投 one, and a closed 士林 one about 遮陽棚."""
    now = datetime.now(UTC)
    made = []
    for n, (district, question) in enumerate((
            ("士林區", "請問提案要準備哪些文件？我的電話 0912345678"),
            ("北投區", "北投的住民大會在哪裡舉行？"),
            ("士林區", "我想問公園的案子進度"))):
        made.append(await Ticket.create(ref=f"T{n + 101}", platform="line",
                                        chat_id=f"U{n:032d}", user_id=f"U{n:032d}",
                                        district=district, question=question))
    await Ticket.filter(id=made[0].id).update(created_at=now - timedelta(hours=3))
    await Ticket.filter(id=made[1].id).update(claimed_by="8001", claimed_name="志工小林",
                                              claimed_at=now)
    closed = made[2]
    await Ticket.filter(id=closed.id).update(
        status="closed", close_reason="volunteer", claimed_by="8001", claimed_name="志工小林",
        created_at=now - timedelta(days=2), closed_at=now - timedelta(days=1))
    await TicketMessage.create(ticket=closed, direction="out", author_name="志工小林",
                               text="遮陽棚的提案已進入住民大會，請留意區公所公告。")
    await TicketMessage.filter(ticket_id=closed.id).update(
        created_at=now - timedelta(days=2) + timedelta(minutes=25))


async def news_subscribers() -> None:
    """Two LINE residents who follow 士林區's news."""
    for user in (LINE_RESIDENT, "U" + "3" * 32):
        await subscriptions.add("line", user, "news", "士林區", "zh-TW")


def in_two_days() -> str:
    """A send time as the form's datetime-local field gives it (Taipei time)."""
    return (datetime.now(TAIPEI) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
