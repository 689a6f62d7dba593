"""A resident asks for a person: what happens and when, the question, the district, consent,
then a ticket with a number (the volunteers' side is bot/handlers/volunteer.py).

Flow (ctx.state): handoff_question -> handoff_district -> handoff_consent -> idle with
ctx.data["ticket"] = the ticket number while it is open (bot/handlers/handoff_ticket.py).
Entry: the `handoff` intent (「我要找真人」), the words in commands.yaml (「找真人」), the menu's
找真人, and the stateless 「找志工」 button (the fallback's and after a 👎).
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Any

from bot.common.hours import utc
from bot.core.buttons import Press, choice
from bot.core.types import Choice, Context, Effect, Incoming, Text, Turn
from bot.handlers import menu
from bot.handlers.deps import Deps
from bot.nlp.understander import Understanding
from bot.proposals.fields import clean, parse_option
from bot.tickets import render
from bot.tickets.scrub import mask_contact

QUESTION, DISTRICT, CONSENT = "handoff_question", "handoff_district", "handoff_consent"
TICKET = "ticket"  # ctx.data key holding the open ticket's number
ACTION = "handoff"  # the stateless button that starts this flow
# The steps' buttons: each answers the question asked now.
USE_ASKED, PICK_DISTRICT, AGREE, NEVER_MIND = ("handoff.use_asked", "handoff.district",
                                               "handoff.agree", "handoff.never_mind")
MIN_QUESTION, MAX_QUESTION = 2, 500
REF_DIGITS = 6
LONG_ENOUGH = 12  # a handoff request this long probably says what it is about


async def start(msg: Incoming, u: Understanding, ctx: Context, deps: Deps, lang: str) -> Turn:
    """The handoff intent: the resident asked for a person (a long message may hold the
    question itself: 「我想請承辦人回我公園遮陽棚的事」 is offered as the question)."""
    typed = clean(msg.text)
    if len(typed) >= LONG_ENOUGH:
        ctx = replace(ctx, data={**ctx.data, "asked": typed[:MAX_QUESTION]})
    return await begin(msg, ctx, deps, lang)


async def press_start(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """The 找真人 / 找志工 buttons."""
    return await begin(msg, ctx, deps, ctx.locale)


async def begin(msg: Incoming, ctx: Context, deps: Deps, lang: str) -> Turn:
    """Say what happens and when, then ask for the question (offering the last one asked)."""
    t = deps.content.t
    if msg.is_group:
        return _say(ctx, deps, lang, "handoff.private_only")
    current = await deps.tickets.open_of(msg.platform, msg.chat_id, msg.user_id)
    if current is not None:
        data = {**ctx.data, TICKET: current.ref}
        reply = Text(t("handoff.already_open", lang, ref=current.ref),
                     (end_button(deps, current.ref, lang),))
        return Turn(replace(ctx, data=data, locale=lang), (reply,), meta={"intent": "handoff"})
    intro = await _intro(deps, lang)
    asked = str(ctx.data.get("asked") or "").strip()
    keep = {TICKET: ctx.data[TICKET]} if TICKET in ctx.data else {}
    ctx = replace(ctx, state=QUESTION, data={**keep, "asked": asked}, locale=lang)
    buttons: tuple[Choice, ...]
    if asked:
        text = t("handoff.confirm_asked", lang, question=asked)
        buttons = (choice(t("handoff.button.this_one", lang), USE_ASKED), _never_mind(deps, lang))
    else:
        text = t("handoff.ask_question", lang, min=MIN_QUESTION, max=MAX_QUESTION)
        buttons = (_never_mind(deps, lang),)
    return Turn(ctx, (Text(f"{intro}\n\n{text}", buttons),), meta={"intent": "handoff"})


async def _intro(deps: Deps, lang: str) -> str:
    t = deps.content.t
    if await deps.tickets.group() is None:
        return t("handoff.intro.no_group", lang)
    hours = render.hours_text(deps.content, deps.handoff, lang)
    wait = render.wait_text(deps.content, deps.handoff, deps.clock(), lang)
    return t("handoff.intro", lang, hours=hours, wait=wait)


async def on_question(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    """The question typed for the volunteers."""
    lang, t = ctx.locale, deps.content.t
    question = clean(msg.text)
    if deps.spec.word_is("no", question):
        return cancel(ctx, deps)
    if len(question) < MIN_QUESTION or len(question) > MAX_QUESTION:
        text = t("handoff.question_length", lang, min=MIN_QUESTION, max=MAX_QUESTION,
                 length=len(question))
        return Turn(ctx, (Text(text, (_never_mind(deps, lang),)),))
    return ask_district(ctx, deps, question)


def press_use_asked(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """「就是這個」: the question the resident asked the bot just before."""
    asked = str(ctx.data.get("asked") or "")
    if ctx.state != QUESTION or not asked:
        return menu.stale(ctx, deps)
    return ask_district(ctx, deps, asked[:MAX_QUESTION])


def ask_district(ctx: Context, deps: Deps, question: str) -> Turn:
    """Which district the question is about (optional)."""
    lang, t = ctx.locale, deps.content.t
    buttons = [choice(d.label(lang), PICK_DISTRICT, d.id) for d in deps.spec.districts]
    buttons.append(choice(t("handoff.button.skip", lang), PICK_DISTRICT, ""))
    data = {**ctx.data, "question": question}
    return Turn(replace(ctx, state=DISTRICT, data=data),
                (Text(t("handoff.ask_district", lang), tuple(buttons[:13])),))


async def on_district(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    """A typed district (or a skip word)."""
    if deps.spec.word_is("skip", msg.text):
        return ask_consent(ctx, deps, "")
    parsed = parse_option(deps.spec.districts, msg.text)
    if not parsed.ok:
        turn = ask_district(ctx, deps, str(ctx.data.get("question", "")))
        note = Text(deps.content.t("handoff.district_unknown", ctx.locale))
        return replace(turn, replies=(note, *turn.replies))
    return ask_consent(ctx, deps, str(parsed.value))


def press_district(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """A district button (empty arg: skipped)."""
    known = {d.id for d in deps.spec.districts}
    if ctx.state != DISTRICT or (press.arg and press.arg not in known):
        return menu.stale(ctx, deps)
    return ask_consent(ctx, deps, press.arg)


def ask_consent(ctx: Context, deps: Deps, district: str) -> Turn:
    """Show exactly what the volunteers will see and ask before passing it on."""
    lang, t = ctx.locale, deps.content.t
    data = {**ctx.data, "district": district}
    shown = mask_contact(str(data.get("question", "")), t("handoff.masked", lang))
    text = t("handoff.consent", lang, question=shown,
             district=district or t("handoff.no_district", lang))
    buttons = (choice(t("handoff.button.agree", lang), AGREE), _never_mind(deps, lang))
    return Turn(replace(ctx, state=CONSENT, data=data), (Text(text, buttons),))


async def on_consent(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    """Typed yes / no at the consent step."""
    if deps.spec.word_is("yes", msg.text):
        return await open_ticket(msg, ctx, deps)
    if deps.spec.word_is("no", msg.text):
        return cancel(ctx, deps)
    turn = ask_consent(ctx, deps, str(ctx.data.get("district", "")))
    return replace(turn, replies=(Text(deps.content.t("handoff.consent_again", ctx.locale)),
                                  *turn.replies))


async def press_agree(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """「同意轉交」."""
    if ctx.state != CONSENT:
        return menu.stale(ctx, deps)
    return await open_ticket(msg, ctx, deps)


async def open_ticket(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    """Open the ticket (an effect) and tell the resident its number and what to expect."""
    lang, t = ctx.locale, deps.content.t
    question = mask_contact(str(ctx.data.get("question", "")), t("handoff.masked", lang))
    ref = "".join(secrets.choice("0123456789") for _ in range(REF_DIGITS))
    guesses = [m.faq_id for m in deps.nlp.understand(question).matches[:3]]
    data: dict[str, Any] = {"ref": ref, "question": question, "locale": lang,
                            "district": str(ctx.data.get("district", "")), "guesses": guesses}
    if await deps.tickets.group() is None:
        text = t("handoff.opened_no_group", lang, ref=ref)
    else:
        wait = render.wait_text(deps.content, deps.handoff, deps.clock(), lang)
        text = t("handoff.opened", lang, ref=ref, wait=wait)
    buttons = (end_button(deps, ref, lang), choice(t("button.menu", lang), "menu"))
    # the opening message says what happens: what follows at once is the same burst
    opened = {TICKET: ref, "last_in": utc(deps.clock()).isoformat()}
    new = replace(ctx, state="idle", data=opened, locale=lang)
    return Turn(new, (Text(text, buttons),), (Effect("ticket_open", data),),
                {"intent": "handoff", "ticket": ref})


def press_never_mind(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """「不用了」 at any step."""
    if ctx.state not in (QUESTION, DISTRICT, CONSENT):
        return menu.stale(ctx, deps)
    return cancel(ctx, deps)


def cancel(ctx: Context, deps: Deps) -> Turn:
    """Leave the flow without passing anything on (an open ticket stays open)."""
    lang = ctx.locale
    keep = {TICKET: ctx.data[TICKET]} if TICKET in ctx.data else {}
    reply = Text(deps.content.t("handoff.cancelled", lang), menu.menu_choices(deps, lang))
    return Turn(replace(ctx, state="idle", data=keep), (reply,), meta={"intent": "handoff"})


def volunteer_button(deps: Deps, lang: str) -> Choice:
    """「找志工」: a stateless button other answers may offer (the fallback, a 👎)."""
    return choice(deps.content.t("handoff.button.volunteer", lang), ACTION)


def with_volunteer_button(deps: Deps, lang: str,
                          choices: tuple[Choice, ...]) -> tuple[Choice, ...]:
    """「找志工」 first, then choices without another hand-off button (the menu has 找真人)."""
    others = tuple(c for c in choices if f"|{ACTION}|" not in c.payload)
    return (volunteer_button(deps, lang), *others)


def _never_mind(deps: Deps, lang: str) -> Choice:
    return choice(deps.content.t("handoff.button.never_mind", lang), NEVER_MIND)


def end_button(deps: Deps, ref: str, lang: str) -> Choice:
    """結束對話 for a ticket (valid whenever pressed)."""
    return choice(deps.content.t("handoff.button.end", lang), render.END, ref)


def _say(ctx: Context, deps: Deps, lang: str, key: str) -> Turn:
    reply = Text(deps.content.t(key, lang), menu.menu_choices(deps, lang))
    return Turn(replace(ctx, locale=lang), (reply,), meta={"intent": "handoff"})
