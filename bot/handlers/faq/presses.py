"""Button presses: FAQ browsing, 'more', feedback, the entry a button names."""

from __future__ import annotations

from dataclasses import replace

from bot.core.buttons import Press, choice, is_fresh
from bot.core.types import Context, Effect, Incoming, Text, Turn
from bot.handlers import ivoting, menu
from bot.handlers.deps import Deps
from bot.handlers.faq import answer as qa
from bot.handlers.faq.reply import ANSWER, question_label
from bot.handlers.handoff import resident as handoff
from bot.nlp.kb import FaqEntry

PAGE = 10
TOPICS, TOPIC = "faq.topics", "faq.topic"


def topics(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """The list of FAQ topics."""
    lang = ctx.locale
    used = {e.topic for e in deps.nlp.entries}
    buttons = tuple(
        choice(deps.content.topic_name(t, lang), TOPIC, t)
        for t in deps.content.topics if t in used
    )
    return Turn(ctx, (Text(deps.content.t("faq.topics", lang), buttons),))


def show_topics(msg: Incoming, ctx: Context, deps: Deps, lang: str) -> Turn:
    """「常見問題」 typed (or sent by the rich menu): the FAQ topics; keeps any flow."""
    return topics(msg, Press("", TOPICS, ""), replace(ctx, locale=lang), deps)


def topic(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """The questions of one topic, a page at a time."""
    lang = ctx.locale
    name, _, page_s = press.arg.partition(":")
    page = int(page_s) if page_s.isdigit() else 0
    entries = [e for e in deps.nlp.entries if e.topic == name]
    shown = entries[page * PAGE:(page + 1) * PAGE]
    buttons = [choice(question_label(e, lang), ANSWER, e.id) for e in shown]
    if (page + 1) * PAGE < len(entries):
        buttons.append(choice("▶", TOPIC, f"{name}:{page + 1}"))
    buttons.append(choice(deps.content.t("button.menu", lang), "menu"))
    title = deps.content.t("faq.topic_questions", lang, topic=deps.content.topic_name(name, lang))
    return Turn(ctx, (Text(title, tuple(buttons)),))


async def faq(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """Answer the entry a button names (from a menu or a suggestion); the voting calendar
    for the entries it replaces, once one is loaded."""
    if press.arg in deps.ivoting.replaces_faq:
        turn = await ivoting.calendar_instead(msg, ctx, deps, ctx.locale)
        if turn is not None:
            return turn
    entry = _entry(deps, press.arg)
    if entry is None:
        return _gone(ctx, deps)
    return qa.answer_entry(entry, ctx, deps, ctx.locale)


def more(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """The longer text of an entry."""
    entry = _entry(deps, press.arg)
    if entry is None:
        return _gone(ctx, deps)
    text = entry.more or deps.content.t("faq.no_more", ctx.locale)
    related = [r for r in entry.related if _entry(deps, r) is not None][:3]
    buttons = [choice(question_label(deps.nlp.entry(r), ctx.locale), ANSWER, r)
               for r in related]
    buttons.append(choice(deps.content.t("button.menu", ctx.locale), "menu"))
    return Turn(ctx, (Text(text, tuple(buttons)),), meta={"intent": "faq", "faq_id": entry.id})


def feedback(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """Record 👍/👎 on an entry; a 👎 also lands in the question log."""
    faq_id, helpful = press.arg[:-1], press.arg.endswith("+")
    if _entry(deps, faq_id) is None:
        return _gone(ctx, deps)
    effects = [Effect("feedback", {"faq_id": faq_id, "helpful": helpful})]
    # The stored question is this answer's only while this entry was the last one answered.
    asked = ctx.data.get("asked") if ctx.data.get("answered") == faq_id else None
    if not helpful and asked:
        effects.append(Effect("unanswered", {"text": asked, "reason": "thumbs_down",
                                             "lang": ctx.locale, "faq_id": faq_id}))
    key = "feedback.thanks_up" if helpful else "feedback.thanks_down"
    buttons = () if helpful else (handoff.volunteer_button(deps, ctx.locale),)
    return Turn(ctx, (Text(deps.content.t(key, ctx.locale), buttons),), tuple(effects))


def none_of_these(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """The suggestions missed: say so honestly and offer the menu."""
    text = deps.content.t("faq.not_matched_logged", ctx.locale)  # logged when suggested
    fresh = is_fresh(press, ctx)  # an older list: the stored question is a later one, keep it
    data = {k: v for k, v in ctx.data.items() if k != "asked" or not fresh}
    reply = Text(text, menu.menu_choices(deps, ctx.locale))
    return Turn(replace(ctx, data=data), (reply,))


def _entry(deps: Deps, faq_id: str) -> FaqEntry | None:
    try:
        return deps.nlp.entry(faq_id)
    except KeyError:
        return None


def _gone(ctx: Context, deps: Deps) -> Turn:
    text = deps.content.t("stale_button", ctx.locale)
    return Turn(ctx, (Text(text, menu.menu_choices(deps, ctx.locale)),))
