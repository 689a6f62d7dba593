"""A broadcast's message and its preview in words (pure: shared by the staff flow and CLI)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot.broadcasts.audiences import parse
from bot.broadcasts.readers import EventInfo, Preview
from bot.common.content import Content
from bot.common.times import shown
from bot.core.types import Choice, Reply, Text
from bot.delivery.quiet import QuietHours
from bot.proposals.dates import TAIPEI

MAX_TEXT = 1000  # within LINE's 5,000 and Telegram's 4,096, and short enough to be read
MAX_AHEAD = timedelta(days=60)
PLATFORM_NAMES = {"line": "LINE", "telegram": "Telegram", "local": "Web"}

# The stop buttons under a broadcast (the news and ivoting features declare these actions).
NEWS_STOP, IVOTING_STOP = "news.stop", "ivoting.stop"


def audience_label(content: Content, audience: str, lang: str = "zh-TW",
                   event: EventInfo | None = None) -> str:
    """An audience in words (「士林區活動通知訂閱者」; an event's people by its title and date,
    「士林走讀（2026-12-06（六）09:00）的候補名單」), or its code when content has no words."""
    prefix, _, arg = audience.partition(":")
    if prefix == "event":
        event_id, _, which = arg.partition(":")
        kind = "event_waiting" if which == "waiting" else "event"
        if event is not None:
            return content.t(f"broadcast.audience.{kind}_named", lang, title=event.title,
                             when=shown(event.starts, lang))
        return content.t(f"broadcast.audience.{kind}", lang, arg=event_id)
    key = f"broadcast.audience.{prefix}" + ("" if arg or prefix == "all" else "_all")
    if key not in content.strings:
        return audience
    return content.t(key, lang, arg=arg)


def check_text(text: str) -> str | None:
    """A content key for what is wrong with a broadcast's text, else None."""
    text = text.strip()
    if not text:
        return "broadcast.error.empty"
    if len(text) > MAX_TEXT:
        return "broadcast.error.too_long"
    return None


def replies_for(content: Content, text: str, audience: str) -> list[Reply]:
    """The message as recipients get it, with a way to stop such messages where there is one."""
    prefix, arg = parse(audience)
    stop: tuple[Choice, ...] = ()
    if prefix == "district" and arg:
        stop = (Choice(content.t("broadcast.stop_news", district=arg), f"|{NEWS_STOP}|{arg}"),)
    elif prefix == "ivoting":
        stop = (Choice(content.t("ivoting.button.stop"), f"|{IVOTING_STOP}|"),)
    return [Text(text.strip(), stop)]


def parse_time(text: str, now: datetime) -> datetime | None:
    """A send time typed in Taipei time (2030-12-01 09:00, 2030/12/1 9:00, 12/1 09:00), or an
    ISO time with an offset; None unless it is in the next 60 days."""
    text = text.strip().replace("：", ":").replace("T", " ")
    found = re.fullmatch(r"(?:(\d{4})[-/])?(\d{1,2})[-/](\d{1,2}) +(\d{1,2}):(\d{2})", text)
    try:
        if found:
            y, m, d, hh, mm = found.groups()
            when = datetime(int(y or now.astimezone(TAIPEI).year), int(m), int(d), int(hh),
                            int(mm), tzinfo=TAIPEI)
            if not y and when < now:
                when = when.replace(year=when.year + 1)
        else:
            when = datetime.fromisoformat(text)
            when = when if when.tzinfo else when.replace(tzinfo=TAIPEI)
    except ValueError:
        return None
    return when if now <= when <= now + MAX_AHEAD else None


def time_label(when: datetime | None, content: Content, lang: str = "zh-TW") -> str:
    """「2030-12-01（日）09:00」 in Taipei, or 「確認後立即發送」."""
    if when is None:
        return content.t("broadcast.preview.now", lang)
    return shown(when, lang)


def goes_at(run_at: datetime, quiet: QuietHours, urgent: bool) -> datetime:
    """When a broadcast asked for run_at really goes: the end of quiet hours, unless urgent."""
    return run_at if urgent else quiet.ends_after(run_at)


def scheduled_text(content: Content, asked: datetime | None, now: datetime,
                   quiet: QuietHours, urgent: bool, lang: str = "zh-TW") -> str:
    """The confirmation: when it was asked for and, when quiet hours hold it, when it goes."""
    start = asked or now
    goes = goes_at(start, quiet, urgent)
    if goes == start:
        return content.t("broadcast.scheduled", lang, when=time_label(asked, content, lang))
    return content.t("broadcast.scheduled.deferred", lang, asked=time_label(asked, content, lang),
                     goes=shown(goes, lang), quiet=quiet.label())


def preview_text(content: Content, p: Preview, text: str, when: datetime | None,
                 now: datetime, quiet: QuietHours, urgent: bool, lang: str = "zh-TW",
                 cli: bool = False) -> str:
    """The preview staff confirm: audience, sizes per platform, time, LINE cost, the text.
    cli: the command line's hint (--urgent), not the chat's 緊急發送 button."""
    t = content.t
    sizes = "、".join(f"{PLATFORM_NAMES.get(k, k)} {v:,}" for k, v in sorted(p.sizes.items()))
    when_text = time_label(when, content, lang)
    start = when or now
    if quiet.active(start):
        key = "broadcast.preview.quiet_cli" if cli else "broadcast.preview.quiet"
        when_text += " " + (t("broadcast.preview.urgent", lang) if urgent else t(
            key, lang, quiet=quiet.label(),
            morning=time_label(quiet.ends_after(start), content, lang)))
    return t("broadcast.preview", lang,
             audience=audience_label(content, p.audience, lang, p.event),
             sizes=sizes or "0", total=f"{p.total:,}", when=when_text,
             cost=cost_text(content, p, lang), text=text.strip())


def cost_text(content: Content, p: Preview, lang: str = "zh-TW") -> str:
    """The LINE messages a broadcast uses and what is left this month."""
    t = content.t
    if not p.line_cost:
        return t("broadcast.preview.no_line", lang)
    if p.quota is None:
        return t("broadcast.preview.cost_unknown", lang, cost=f"{p.line_cost:,}")
    if p.remaining is None:
        return t("broadcast.preview.cost_unlimited", lang, cost=f"{p.line_cost:,}")
    return t("broadcast.preview.cost", lang, cost=f"{p.line_cost:,}",
             remaining=f"{p.remaining:,}")
