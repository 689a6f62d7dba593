"""Pure parts of the hand-off: personal data removal, office hours, settings, the Waiting reply
on each platform, FAQ answer splitting, the ticket message's buttons."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.common.hours import parse_hours
from bot.common.settings import SettingsError, load_settings
from bot.core.serialize import reply_from_dict, reply_to_dict
from bot.core.types import Text, Waiting
from bot.handlers.deps import Deps
from bot.tickets import render
from bot.tickets.faq import split_answer
from bot.tickets.scrub import mask_contact, scrub_personal
from bot.tickets.view import TicketView
from tests.bot_harness import running_bot
from tests.fakes.webhooks import line_body, line_text_event

M = "〔略〕"


@pytest.mark.parametrize(("text", "kept", "gone"), [
    ("請打0912-345-678找我", "請打", "0912"),
    ("電話(02)2720-8889#123 謝謝", "謝謝", "2720"),
    ("+886 912 345 678", "", "912"),
    ("信箱 a.b@x.org.tw", "信箱", "@"),
    ("身分證A123456789", "身分證", "A123"),
])
def test_contact_details_are_masked(text: str, kept: str, gone: str) -> None:
    masked = mask_contact(text, M)
    assert kept in masked and gone not in masked and M in masked


@pytest.mark.parametrize("text", ["2024-11-23 的會議", "金額500000元", "09:00-18:00",
                                  "1999 市民熱線"])
def test_dates_amounts_and_hotlines_are_not_phone_numbers(text: str) -> None:
    assert mask_contact(text, M) == text


def test_names_and_addresses_are_removed_for_faq_suggestions() -> None:
    text = "我叫王小明，王先生會協助，地址中山北路二段45巷3號5樓，公館里5鄰。我是士林區居民。"
    scrubbed = scrub_personal(text, M, names=["Anna"])
    for private in ("王小明", "王先生", "中山北路", "45巷", "公館里"):
        assert private not in scrubbed
    assert "我是士林區居民" in scrubbed  # a district is not a name
    assert scrub_personal("志工 Anna 回覆", M, names=["Anna"]) == f"志工 {M} 回覆"
    assert M + M not in scrub_personal("我叫王小明", M, names=["小明"])


def test_office_hours_parse_and_say_when() -> None:
    hours = parse_hours("mon-fri 09:00-18:00, sat 10:00-12:00")
    assert [sorted(w.days) for w in hours] == [[0, 1, 2, 3, 4], [5]]
    assert parse_hours("always") == ()
    assert sorted(parse_hours("fri-mon 20:00-23:00")[0].days) == [0, 4, 5, 6]
    for bad in ("weekdays 9-5", "mon-fri 18:00-09:00", "mon 25:00-26:00", "xyz 09:00-10:00"):
        with pytest.raises(ValueError):
            parse_hours(bad)


def test_open_and_next_open_in_taipei_time(deps: Deps) -> None:
    policy = deps.handoff
    friday_evening = datetime(2026, 11, 27, 10, 30, tzinfo=UTC)  # 18:30 in Taipei
    assert policy.is_open(datetime(2026, 11, 27, 9, 59, tzinfo=UTC))  # 17:59
    assert not policy.is_open(friday_evening)
    upcoming = policy.next_open(friday_evening)
    assert upcoming is not None and (upcoming.weekday(), upcoming.hour) == (0, 9)
    assert render.hours_text(deps.content, policy, "zh-TW") == "週一至週五 09:00–18:00"
    assert "Mon to Fri" in render.hours_text(deps.content, policy, "en")


def test_bad_handoff_settings_stop_start_up_with_one_line() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(handoff_hours="weekdays")
    assert "HANDOFF_HOURS" in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(SettingsError):
        load_settings(handoff_nudge_unclaimed_minutes=0)
    policy = load_settings(handoff_hours="always", handoff_quiet_close_hours=2).handoff
    assert policy.hours == () and policy.quiet_close.total_seconds() == 7200


def test_waiting_round_trips_and_is_no_message() -> None:
    from bot.adapters.common import messages_only, reply_text
    from bot.adapters.line_render import render as line_render
    assert reply_from_dict(reply_to_dict(Waiting(30))) == Waiting(30)
    assert reply_text(Waiting()) == "" and line_render([Waiting(), Text("a")]) == [
        {"type": "text", "text": "a"}]
    assert messages_only([Waiting(), Text("a")]) == [Text("a")]


def test_long_answers_split_after_a_sentence() -> None:
    text = "第一句。" * 90 + "最後。"
    short, more = split_answer(text)
    assert len(short) <= 400 and short.endswith("。") and short + more == text
    assert split_answer("短。") == ("短。", "")


def test_ticket_message_buttons_fit_telegram(deps: Deps) -> None:
    guesses = tuple(e.id for e in deps.nlp.entries[:3])
    ticket = TicketView(ref="123456", platform="line", chat_id="U1", user_id="U1",
                        question="問題", guesses=(*guesses, "no-such-entry"))
    card = render.ticket_card(deps.content, deps.nlp, ticket, forum=True)
    assert [c.label for c in card.choices][:3] == ["認領", "結案", "轉成常見問題"]
    assert all(len(c.payload.encode()) <= 64 for c in card.choices)
    assert sum(c.label.startswith("送出") for c in card.choices) == 3
    assert "U1" not in card.body


async def test_loading_animation_in_line_one_to_one_and_typing_on_telegram(
        tmp_path: Path) -> None:
    from bot.runtime.web import SERVICES
    from bot.storage.models import Ticket
    from tests.handoff_harness import (
        LINE_RESIDENT,
        TG_RESIDENT,
        line_resident_opens_ticket,
        post,
        tg_resident,
        tg_resident_presses,
    )
    async with running_bot(tmp_path) as bot:
        await line_resident_opens_ticket(bot, "想問課程的事")
        await bot.post_line(line_body([line_text_event(LINE_RESIDENT, "補充")]))
        await bot.settle()
        assert bot.line.loading() == [{"chatId": LINE_RESIDENT, "loadingSeconds": 60}]
        line = bot.client.app[SERVICES].line
        assert line is not None
        await line.show_loading(LINE_RESIDENT, 7)  # rounded up to a multiple of 5
        assert bot.line.loading()[-1]["loadingSeconds"] == 10
        assert bot.line.errors == []
        # Telegram: the resident's follow-up shows "typing" (and an acknowledgement).
        await post(bot, tg_resident("找真人"))
        await post(bot, tg_resident("課程要錢嗎"))
        await post(bot, tg_resident_presses(bot, "略過"))
        await post(bot, tg_resident_presses(bot, "同意轉交"))
        assert await Ticket.filter(platform="telegram").exists()
        await post(bot, tg_resident("補充一下"))
        actions = [c.params for c in bot.telegram.calls if c.method == "sendChatAction"]
        assert actions == [{"chat_id": TG_RESIDENT, "action": "typing"}]
        assert bot.telegram.errors == []
