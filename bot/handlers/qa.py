"""Answering questions: FAQ answers, suggestions, honest 'don't know', flows not built yet."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from bot.core.types import Card, Choice, Context, Effect, Incoming, Text, Turn
from bot.handlers import broadcast_news, events, handoff, ivoting, menu, propose_review
from bot.handlers.buttons import choice
from bot.handlers.deps import Deps
from bot.nlp.kb import FaqEntry
from bot.nlp.understander import Understanding
from bot.text import scrub

MAX_QUESTION = 500
FlowStart = Callable[[Incoming, "Understanding", Context, Deps, str], Awaitable[Turn]]


def lang_of(u: Understanding) -> str:
    """The reply language for what the user wrote."""
    return "en" if u.lang == "en" else "zh-TW"


async def answer_text(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    """Understand free text and answer it (or start the flow it asks for)."""
    text = msg.text[:MAX_QUESTION]
    u = deps.nlp.understand(text)
    lang = lang_of(u)
    flow = FLOWS.get(u.intent)
    if flow is not None:
        return await flow(msg, u, ctx, deps, lang)
    if u.confidence == "high" and u.matches and u.matches[0].faq_id in deps.ivoting.replaces_faq:
        calendar = await ivoting.calendar_instead(msg, ctx, deps, lang)  # dates, once loaded
        if calendar is not None:
            return calendar
    turn = _by_intent(msg, u, ctx, deps, lang)
    if turn.meta.get("faq_id"):
        # Kept (scrubbed) so a 👎 on this answer can log what was asked.
        data = {**turn.context.data, "asked": scrub(text)}
        turn = replace(turn, context=replace(turn.context, data=data))
    if len(msg.text) > MAX_QUESTION:
        note = Text(deps.content.t("too_long", lang))
        turn = replace(turn, replies=(note, *turn.replies))
    return turn


def _by_intent(msg: Incoming, u: Understanding, ctx: Context, deps: Deps, lang: str) -> Turn:
    meta: dict[str, object] = {"intent": u.intent}
    if u.intent == "greeting":
        return _with(menu.greeting(msg, ctx, deps, lang), meta)
    if u.intent == "thanks":
        return Turn(ctx, (Text(deps.content.t("thanks", lang)),), meta=meta)
    if u.intent in ("menu", "help", "cancel"):
        handler = {"menu": menu.show_menu, "help": menu.show_help, "cancel": menu.cancel}
        return _with(handler[u.intent](msg, ctx, deps, lang), meta)
    if u.intent == "faq" and u.matches:
        return _faq(msg, u, ctx, deps, lang)
    return _unknown(msg, ctx, deps, lang, reason="no_match")


def _with(turn: Turn, meta: dict[str, object]) -> Turn:
    return replace(turn, meta={**turn.meta, **meta})


async def _propose(msg: Incoming, u: Understanding, ctx: Context, deps: Deps,
                   lang: str) -> Turn:
    return await propose_review.start(msg, ctx, deps, lang)


async def _coming(msg: Incoming, u: Understanding, ctx: Context, deps: Deps,
                  lang: str) -> Turn:
    # A flow not built yet: an honest answer, with what to do meanwhile.
    key = f"coming.{u.intent}" + (f"_{u.action or 'subscribe'}" if u.intent == "ivoting" else "")
    reply = Text(deps.content.t(key, lang), menu.menu_choices(deps, lang))
    return Turn(replace(ctx, locale=lang), (reply,), meta={"intent": u.intent})


# Intents that start a flow, each owned by its feature's handlers (one line per feature).
FLOWS: dict[str, FlowStart] = {
    "propose": _propose,

    "register": events.start,

    "handoff": handoff.start,

    "ivoting": ivoting.flow,

    "news": broadcast_news.flow,
}


def _faq(msg: Incoming, u: Understanding, ctx: Context, deps: Deps, lang: str) -> Turn:
    best = u.matches[0]
    if u.confidence == "high":
        turn = answer_entry(deps.nlp.entry(best.faq_id), ctx, deps, lang)
        return _with(turn, {"score": best.score})
    if u.confidence == "medium":
        return _suggest(msg, u, ctx, deps, lang)
    return _unknown(msg, ctx, deps, lang, reason="no_match", score=best.score)


def answer_entry(entry: FaqEntry, ctx: Context, deps: Deps, lang: str) -> Turn:
    """One FAQ entry as a card (the question, the answer, its source), with 'more',
    feedback and menu buttons."""
    english = lang == "en" and bool(entry.answer_en)
    body = entry.answer_en if english else entry.answer
    doc, year = entry.source.get("doc", ""), entry.source.get("year", "")
    source = deps.content.t("faq.source", lang, doc=doc, year=year) if doc else ""
    buttons: list[Choice] = []
    if entry.more and not english:
        buttons.append(choice(deps.content.t("faq.more", lang), "more", entry.id))
    buttons += [
        choice(deps.content.t("feedback.up", lang), "fb", f"{entry.id}+"),
        choice(deps.content.t("feedback.down", lang), "fb", f"{entry.id}-"),
        choice(deps.content.t("button.menu", lang), "menu"),
    ]
    title = question_label(entry, "en" if english else "zh-TW")
    card = Card(title, (body or "").strip(), tuple(buttons), footer=source)
    meta = {"intent": "faq", "faq_id": entry.id}
    # "answered": which entry a later 👎 may attach the asked question to (actions.feedback).
    ctx = replace(ctx, locale=lang, data={**ctx.data, "answered": entry.id})
    return Turn(ctx, (card,), meta=meta)


def _suggest(msg: Incoming, u: Understanding, ctx: Context, deps: Deps, lang: str) -> Turn:
    buttons = [
        choice(question_label(deps.nlp.entry(m.faq_id), lang), "faq", m.faq_id)
        for m in u.matches[:3]
    ]
    buttons.append(choice(deps.content.t("faq.none_of_these", lang), "nomatch"))
    reply = Text(deps.content.t("faq.suggest", lang), tuple(buttons))
    effect = Effect("unanswered", {"text": scrub(msg.text), "reason": "suggested", "lang": lang})
    meta = {"intent": "unknown", "score": u.matches[0].score,
            "suggestions": [m.faq_id for m in u.matches[:3]]}
    return Turn(replace(ctx, locale=lang, data={**ctx.data, "asked": msg.text[:200]}),
                (reply,), (effect,), meta)


def question_label(entry: FaqEntry, lang: str) -> str:
    if lang == "en" and entry.questions_en:
        return entry.questions_en[0]
    return entry.questions[0]


def _unknown(msg: Incoming, ctx: Context, deps: Deps, lang: str, *, reason: str,
             score: float = 0.0) -> Turn:
    reply = Text(deps.content.t("faq.unknown", lang), menu.menu_choices(deps, lang))
    reply = replace(reply, choices=handoff.with_volunteer_button(deps, lang, reply.choices))
    effects = (Effect("unanswered", {"text": scrub(msg.text), "reason": reason, "lang": lang}),)
    meta = {"intent": "unknown", "score": score}
    return Turn(replace(ctx, locale=lang), (reply,), effects, meta)
