"""i-Voting periods in words: dates in Taipei time, the period card and the reminder card."""

from __future__ import annotations

from datetime import datetime

from bot.common.content import Content
from bot.core.types import Card, Choice
from bot.ivoting.calendar import Period
from bot.proposals.dates import TAIPEI

STOP = "ivoting.stop"  # a reminder's stop button (the ivoting feature declares it)


def when_text(content: Content, when: datetime, lang: str = "zh-TW") -> str:
    """「2030/5/1（三）09:00」 or 「Wed 2030-05-01 09:00」, in Taipei time."""
    local = when.astimezone(TAIPEI)
    day = content.t("ivoting.weekdays", lang).split(",")[local.weekday()]
    return content.t("ivoting.date", lang, y=local.year, m=local.month, d=local.day, wd=day,
                     hm=local.strftime("%H:%M"))


def period_card(content: Content, p: Period, lang: str = "zh-TW", title: str = "",
                body: str = "", choices: tuple[Choice, ...] = ()) -> Card:
    """A period: when, how to vote, who may vote, and the link."""
    t = content.t
    span = t("ivoting.span", lang, opens=when_text(content, p.opens, lang),
             closes=when_text(content, p.closes, lang))
    fields = ((t("ivoting.field.scope", lang), p.scope), (t("ivoting.field.period", lang), span),
              (t("ivoting.field.how", lang), p.how_to_vote),
              (t("ivoting.field.who", lang), p.eligibility))
    return Card(title or p.title, body, choices, p.url, fields,
                url_label=t("ivoting.button.link", lang))


def reminder_card(content: Content, p: Period, which: str, hours: int,
                  lang: str = "zh-TW") -> Card:
    """The reminder sent when a period opens ('open') or before it closes ('closing')."""
    t = content.t
    closes = when_text(content, p.closes, lang)
    title = t(f"ivoting.remind.{which}.title", lang, title=p.title)
    body = t(f"ivoting.remind.{which}.body", lang, closes=closes, hours=hours)
    stop = (Choice(t("ivoting.button.stop", lang), f"|{STOP}|"),)
    return period_card(content, p, lang, title=title, body=body, choices=stop)
