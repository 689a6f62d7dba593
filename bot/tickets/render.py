"""How tickets read: the ticket message in the volunteers' group, relays both ways, ages,
office hours. Pure functions over content (every string is in content/ui-handoff.yaml)."""

from __future__ import annotations

from datetime import datetime

from bot.common.content import Content
from bot.common.hours import DAYS, HandoffPolicy, utc
from bot.common.times import shown
from bot.core.buttons import choice
from bot.core.types import Card, Choice, Text
from bot.nlp.understander import Understander
from bot.tickets.view import TicketView

# Group buttons (any volunteer may press) and the resident's buttons on relayed answers: all
# valid whenever pressed; the handoff feature (bot/handlers/handoff) declares them.
CLAIM, CLOSE, TO_FAQ, SEND = "handoff.claim", "handoff.close", "handoff.to_faq", "handoff.send"
RATE, END = "handoff.rate", "handoff.end"
MAX_DATA = 64  # Telegram's callback_data limit, in bytes
MAX_TOPIC_QUESTION = 60


def ticket_card(content: Content, nlp: Understander, ticket: TicketView, forum: bool, *,
                stage: str = "", name: str = "", at: datetime | None = None) -> Card:
    """The ticket message: question, district, the bot's guesses, claim/close/to-FAQ/send.
    stage (claimed | answered | closed) with who and when: the card as it is changed in
    place; a claimed card has no 認領, a closed one no buttons at all."""
    t = content.t
    district = ticket.district or t("volunteer.card.no_district")
    lines = [t("volunteer.card.question", question=ticket.question)]
    guesses = _guesses(nlp, ticket)
    if guesses:
        lines.append(t("volunteer.card.guesses"))
        lines += [t("volunteer.card.guess_line", n=n, question=q) for n, (_, q) in
                  enumerate(guesses, 1)]
    lines.append(t("volunteer.card.howto.forum" if forum else "volunteer.card.howto.plain"))
    if stage:
        lines.append(t(f"volunteer.card.{stage}", name=name, when=shown(at)))
    if stage == "closed":
        return Card(t("volunteer.card.title", ref=ticket.ref), "\n".join(lines),
                    fields=((t("volunteer.card.district"), district),))
    claim = [] if stage else [choice(t("volunteer.button.claim"), CLAIM, ticket.ref)]
    buttons = [*claim, choice(t("volunteer.button.close"), CLOSE, ticket.ref),
               choice(t("volunteer.button.to_faq"), TO_FAQ, ticket.ref)]
    buttons += [choice(t("volunteer.button.send", n=n, question=q), SEND, f"{ticket.ref}:{fid}")
                for n, (fid, q) in enumerate(guesses, 1)]
    return Card(t("volunteer.card.title", ref=ticket.ref), "\n".join(lines),
                tuple(b for b in buttons if len(b.payload.encode()) <= MAX_DATA),
                fields=((t("volunteer.card.district"), district),))


def _guesses(nlp: Understander, ticket: TicketView) -> list[tuple[str, str]]:
    known = {e.id for e in nlp.entries}
    return [(g, nlp.entry(g).questions[0]) for g in ticket.guesses if g in known][:3]


def topic_name(content: Content, ticket: TicketView) -> str:
    """The forum topic's name (Telegram allows 1-128 characters)."""
    question = " ".join(ticket.question.split())[:MAX_TOPIC_QUESTION]
    return content.t("volunteer.topic", ref=ticket.ref, question=question)[:128]


def group_relay(content: Content, ref: str, lines: list[tuple[str, str]]) -> Text:
    """Resident messages ("in") and notes ("note") for the group, in order, as one message."""
    parts = [content.t("volunteer.relay.resident", ref=ref, text=text) if kind == "in" else text
             for kind, text in lines]
    return Text("\n\n".join(parts))


def resident_answer(content: Content, ticket: TicketView, answer_id: int, text: str,
                    buttons: bool) -> Text:
    """A volunteer's answer as the resident gets it (rating and end buttons on the last)."""
    lang = ticket.locale
    body = content.t("handoff.answer", lang, ref=ticket.ref, text=text)
    return Text(body, resident_buttons(content, ticket.ref, answer_id, lang) if buttons else ())


def resident_buttons(content: Content, ref: str, answer_id: int,
                     lang: str) -> tuple[Choice, ...]:
    """👍 / 👎 on an answer, and ending the conversation."""
    t = content.t
    return (Choice(t("feedback.up", lang), f"|{RATE}|{answer_id}+"),
            Choice(t("feedback.down", lang), f"|{RATE}|{answer_id}-"),
            Choice(t("handoff.button.end", lang), f"|{END}|{ref}"))


def age(content: Content, since: datetime | None, now: datetime, lang: str = "zh-TW") -> str:
    """How long ago, roughly: minutes, hours or days."""
    if since is None:
        return content.t("volunteer.age.minutes", lang, n=0)
    minutes = max(0, int((utc(now) - utc(since)).total_seconds() // 60))
    if minutes < 120:
        return content.t("volunteer.age.minutes", lang, n=minutes)
    if minutes < 48 * 60:
        return content.t("volunteer.age.hours", lang, n=minutes // 60)
    return content.t("volunteer.age.days", lang, n=minutes // (24 * 60))


def hours_text(content: Content, policy: HandoffPolicy, lang: str) -> str:
    """The office hours in words: 「週一至週五 09:00–18:00」."""
    if not policy.hours:
        return content.t("handoff.hours.always", lang)
    parts = []
    for w in policy.hours:
        days = sorted(w.days)
        names = [content.t(f"handoff.day.{DAYS[d]}", lang) for d in days]
        contiguous = days == list(range(days[0], days[-1] + 1))
        label = (content.t("handoff.hours.through", lang, first=names[0], last=names[-1])
                 if contiguous and len(days) > 2
                 else content.t("handoff.days.join", lang).join(names))
        parts.append(f"{label} {_hhmm(w.start)}–{_hhmm(w.end)}")
    return content.t("handoff.hours.join", lang).join(parts)


def wait_text(content: Content, policy: HandoffPolicy, now: datetime, lang: str) -> str:
    """What to expect: an answer within the usual wait, or after the next duty starts."""
    if policy.is_open(now):
        return content.t("handoff.wait.open", lang, wait=policy.wait_minutes)
    upcoming = policy.next_open(now)
    if upcoming is None:
        return content.t("handoff.wait.open", lang, wait=policy.wait_minutes)
    day = content.t(f"handoff.day.{DAYS[upcoming.weekday()]}", lang)
    when = content.t("handoff.next", lang, day=day, time=upcoming.strftime("%H:%M"),
                     date=upcoming.strftime("%m/%d"))
    return content.t("handoff.wait.closed", lang, next=when)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
