"""A registration's calendar file (.ics, built with icalendar): Asia/Taipei times, the place,
and the code and the event's link in DESCRIPTION (calendar apps ignore URL)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar

from bot.common.content import Content
from bot.events.policy import aware
from bot.events.view import EventView, RegistrationView

ZONE = ZoneInfo("Asia/Taipei")
PRODID = "-//Taipei Civic Bot//events//ZH-TW"


def build(content: Content, ev: EventView, reg: RegistrationView, now: datetime,
          lang: str = "zh-TW") -> bytes:
    """The .ics bytes for one registration (SEQUENCE follows the event's changes, so a
    re-imported file updates the entry instead of adding another)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    item = icalendar.Event()
    item.add("uid", f"event-{ev.id}-{reg.id}@taipei-civic-bot")
    item.add("dtstamp", aware(now))
    item.add("dtstart", aware(ev.starts).astimezone(ZONE))
    item.add("dtend", aware(ev.ends).astimezone(ZONE))
    item.add("summary", ev.title)
    item.add("location", ev.place)
    item.add("description", _description(content, ev, reg, lang))
    item.add("sequence", ev.version)
    item.add("status", "CANCELLED" if ev.status == "cancelled" else "CONFIRMED")
    if ev.url:
        item.add("url", ev.url)
    cal.add_component(item)
    cal.add_missing_timezones()
    data: bytes = cal.to_ical()
    return data


def _description(content: Content, ev: EventView, reg: RegistrationView, lang: str) -> str:
    t = content.t
    lines = [ev.summary, f"{t('events.field.code', lang)}：{reg.code}"]
    if ev.bring:
        lines.append(f"{t('events.field.bring', lang)}：{ev.bring}")
    lines.append(f"{t('events.field.for_whom', lang)}：{ev.for_whom}")
    if ev.url:
        lines.append(f"{t('events.url_label', lang)}：{ev.url}")
    return "\n".join(lines)
