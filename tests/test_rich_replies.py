"""Cards and carousels: LINE Flex (valid against the spec), plain text and buttons elsewhere."""

from __future__ import annotations

from dataclasses import replace

from bot.adapters.common import flat_choices, reply_text
from bot.adapters.line_render import render
from bot.core.buttons import parse, stamp
from bot.core.serialize import reply_from_dict, reply_to_dict
from bot.core.types import Card, Carousel, Choice, Context, Text, Turn, buttons_of
from tests.fakes.specs import validate_line_request

EVENT = Card("走讀（範例）大稻埕", "沿著提案地點走一圈。",
             (Choice("報名", "|ev_join|walk-1"), Choice("詳情", "|ev_more|walk-1")),
             url="https://example.org/e/1", url_label="活動網頁",
             fields=(("日期", "12/6（六）09:30-11:30"), ("地點", "大稻埕碼頭")),
             footer="尚餘 12 位")


def _valid(messages: list[dict[str, object]]) -> list[str]:
    return validate_line_request("POST", "/v2/bot/message/reply",
                                 {"replyToken": "t", "messages": messages})


def test_a_card_is_a_valid_flex_bubble_with_its_rows_buttons_and_link() -> None:
    [message] = render([EVENT])
    assert message["type"] == "flex" and message["altText"] == EVENT.title
    assert _valid([message]) == []
    flat = str(message)
    for part in ("12/6（六）09:30-11:30", "尚餘 12 位", "|ev_join|walk-1", "活動網頁"):
        assert part in flat


def test_a_carousel_splits_into_messages_of_twelve_bubbles_with_follow_up_quick_replies() -> None:
    cards = tuple(replace(EVENT, title=f"活動 {i}") for i in range(14))
    messages = render([Carousel(cards, "近期活動", (Choice("主選單", "|menu|"),))])
    assert [len(m["contents"]["contents"]) for m in messages] == [12, 2]
    assert "quickReply" in messages[-1] and "quickReply" not in messages[0]
    assert _valid(messages) == []


def test_the_validator_refuses_what_flex_forbids() -> None:
    [message] = render([EVENT])
    too_many = {**message, "contents": {"type": "carousel",
                                        "contents": [message["contents"]] * 13}}
    assert any("1-12 bubbles" in e for e in _valid([too_many]))
    assert any("altText" in e for e in _valid([{**message, "altText": ""}]))


def test_an_oversized_card_falls_back_to_text_and_extra_buttons_to_quick_replies() -> None:
    huge = Card("長", "字" * 20_000)
    assert render([huge])[0]["type"] == "text"
    many = Card("多", "按鈕很多", tuple(Choice(f"選項{i}", f"|x|{i}") for i in range(6)))
    [message] = render([many])
    assert len(message["contents"]["footer"]["contents"]) == 4
    assert len(message["quickReply"]["items"]) == 2
    assert _valid([message]) == []


def test_plain_text_and_flat_buttons_for_telegram_and_the_local_chat() -> None:
    carousel = Carousel((EVENT, replace(EVENT, title="第二場")), "近期活動",
                        (Choice("主選單", "|menu|"),))
    text = reply_text(carousel)
    assert text.startswith("近期活動") and "1. 走讀（範例）大稻埕" in text and "2. 第二場" in text
    assert "日期：12/6（六）09:30-11:30" in text
    assert [c.label for c in flat_choices(carousel)] == ["1. 報名", "1. 詳情", "2. 報名",
                                                         "2. 詳情", "主選單"]


def test_stamping_and_storing_keep_every_button_of_cards_and_carousels() -> None:
    turn = stamp(Turn(Context(), (Carousel((EVENT,), "近期活動", (Choice("主選單", "|menu|"),)),
                                  Text("好"))))
    nonce = turn.context.nonce
    assert nonce and all(parse(c.payload).nonce == nonce  # type: ignore[union-attr]
                         for r in turn.replies for c in buttons_of(r))
    for reply in (*turn.replies, EVENT):
        assert reply_from_dict(reply_to_dict(reply)) == reply
