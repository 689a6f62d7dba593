"""Answering questions: the FAQ decision, the flows a request starts, an honest 'don't know'.

A question gets, by the understander's verdict (bot/nlp/understander.py):
- high: the entry's answer, its source, and the next two matches as related-question chips;
- no entry good enough but a seed sentence is: that sentence with its source (「根據《…》：…」);
- medium: 「您是想問…」 with the top matches (a pick counts as answered in `run.py faq-report`);
- low: 「不知道」 with a hand-off button, and for a city service outside this bot the 1999
  hotline (plus a proposal button where a lasting improvement could be proposed).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace

from bot.common.text import scrub
from bot.core.buttons import Press, choice
from bot.core.types import Choice, Context, Effect, Incoming, Text, Turn
from bot.events import filters
from bot.handlers import ivoting, menu
from bot.handlers.deps import Deps
from bot.handlers.faq import followup, steps
from bot.handlers.faq.reply import ANSWER, compose, question_label
from bot.handlers.handoff import resident as handoff
from bot.nlp.kb import FaqEntry
from bot.nlp.passages import Passage
from bot.nlp.understander import Understanding

MAX_QUESTION = 500
# The FAQ's button actions (declared in bot/handlers/faq/__init__.py). "flow" (start the flow
# an answer offers) belongs to the router, which knows every feature's intents.
MORE, FEEDBACK, PICK, NONE, FLOW = "faq.more", "faq.feedback", "faq.pick", "faq.none", "flow"
RELATED = 2
FlowStart = Callable[[Incoming, "Understanding", Context, Deps, str], Awaitable[Turn]]


def lang_of(u: Understanding, ctx: Context | None = None) -> str:
    """The reply language for what the user wrote ("?": the conversation's language)."""
    if u.lang == "?":
        return ctx.locale if ctx is not None else "zh-TW"
    return "en" if u.lang == "en" else "zh-TW"


async def answer_text(msg: Incoming, ctx: Context, deps: Deps,
                      flows: Mapping[str, FlowStart] | None = None) -> Turn:
    """Understand free text and answer it, or start the flow it asks for (flows: intent ->
    the feature's start, as the features declare them; bot.handlers.features passes them)."""
    text = msg.text[:MAX_QUESTION]
    u = followup.resolve(text, deps.nlp.understand(text), ctx, deps)
    lang = lang_of(u, ctx)
    flow = (flows or {}).get(u.intent)
    if flow is not None:
        turn = await flow(msg, u, ctx, deps, lang)
        turn = replace(turn, meta={"intent": u.intent, "action": u.action, **turn.meta})
    elif (listed := await _own_events_instead(msg, u, ctx, deps, lang, flows)) is not None:
        turn = listed
    elif u.confidence == "high" and u.matches and u.matches[0].faq_id in deps.ivoting.replaces_faq:
        # An entry that says 「我這裡沒有資料」 gives way to the voting calendar once it is loaded.
        calendar = await ivoting.calendar_instead(msg, ctx, deps, lang)
        turn = calendar or _by_intent(msg, u, ctx, deps, lang)
    else:
        turn = _by_intent(msg, u, ctx, deps, lang)
    if turn.meta.get("faq_id"):
        # Kept (scrubbed) so a 👎 on this answer can log what was asked.
        data = {**turn.context.data, "asked": scrub(text)}
        turn = replace(turn, context=replace(turn.context, data=data))
    if len(msg.text) > MAX_QUESTION:
        note = Text(deps.content.t("too_long", lang))
        turn = replace(turn, replies=(note, *turn.replies))
    return turn


async def _own_events_instead(msg: Incoming, u: Understanding, ctx: Context, deps: Deps,
                              lang: str, flows: Mapping[str, FlowStart] | None) -> Turn | None:
    """A sign-up question (an entry that offers `start: register...`) while the bot has such
    events open: the bot's own list with its buttons, not 「請上 pb.taipei」."""
    if u.intent != "faq" or u.confidence != "high" or not u.matches or u.step or u.beyond:
        return None
    start = deps.nlp.entry(u.matches[0].faq_id).start or ""
    intent, _, action = start.partition("/")
    register = (flows or {}).get("register")
    if intent != "register" or register is None:
        return None
    wanted = filters.parse("", deps.event_words, deps.clock(), action or None)
    _, total = await deps.events.upcoming(deps.clock(), wanted, 1)
    if not total:
        return None
    asked = replace(u, intent="register", action=action or None)
    turn = await register(msg, asked, ctx, deps, lang)
    return replace(turn, meta={"intent": "register", "action": action or None, **turn.meta})


def _by_intent(msg: Incoming, u: Understanding, ctx: Context, deps: Deps, lang: str) -> Turn:
    meta: dict[str, object] = {"intent": u.intent}
    if u.intent == "greeting":
        return _with(menu.greeting(msg, ctx, deps, lang), meta)
    if u.intent == "thanks":
        return Turn(ctx, (Text(deps.content.t("thanks", lang)),), meta=meta)
    if u.intent in ("insult", "emoji"):  # a kind word and a way on, never the 1999 referral
        key = "insult" if u.intent == "insult" else "emoji_only"
        choices = menu.menu_choices(deps, lang)
        if u.intent == "insult":
            choices = handoff.with_volunteer_button(deps, lang, tuple(choices))
        if u.intent == "emoji":  # nothing was asked: reported as not answered (score_faq)
            meta = {"intent": "unknown", "kind": "emoji"}
        return Turn(replace(ctx, locale=lang), (Text(deps.content.t(key, lang), tuple(choices)),),
                    meta=meta)
    if u.intent in ("menu", "help", "cancel"):
        handler = {"menu": menu.show_menu, "help": menu.show_help, "cancel": menu.cancel}
        return _with(handler[u.intent](msg, ctx, deps, lang), meta)
    return _faq(msg, u, ctx, deps, lang)


def _with(turn: Turn, meta: dict[str, object]) -> Turn:
    return replace(turn, meta={**turn.meta, **meta})


def _faq(msg: Incoming, u: Understanding, ctx: Context, deps: Deps, lang: str) -> Turn:
    if u.beyond is not None and u.matches:
        return _beyond(msg, u, ctx, deps, lang)
    if u.step is not None:
        return steps.answer(u.step, ctx, deps, lang)
    if u.confidence == "high" and u.matches:
        best = u.matches[0]
        related = [m.faq_id for m in u.matches[1:]
                   if m.score >= deps.nlp.config.related_min_score]
        turn = answer_entry(deps.nlp.entry(best.faq_id), ctx, deps, lang, related)
        return _with(turn, {"score": best.score})
    if u.passage is not None:
        return answer_passage(u.passage, u, ctx, deps, lang)
    if u.confidence == "medium" and u.matches:
        return _suggest(msg, u, ctx, deps, lang)
    score = u.matches[0].score if u.matches else 0.0
    return _unknown(msg, ctx, deps, lang, service=u.service, score=score)


def answer_entry(entry: FaqEntry, ctx: Context, deps: Deps, lang: str,
                 related: Sequence[str] = ()) -> Turn:
    """One FAQ entry as an answer: body, source line and buttons (the flow it offers, up to two
    related questions, 'more', feedback, menu)."""
    english = lang == "en" and bool(entry.answer_en)
    body = (entry.answer_en or entry.answer) if english else entry.answer
    doc, year = entry.source.get("doc", ""), entry.source.get("year", "")
    source = deps.content.t("faq.source", lang, doc=doc, year=year) if doc else ""
    buttons: list[Choice] = []
    if entry.start:
        buttons.append(flow_button(entry.start, deps, lang))
    buttons += related_buttons(entry, related, deps, lang)
    if entry.more and not english:
        buttons.append(choice(deps.content.t("faq.more", lang), MORE, entry.id))
    buttons += [
        choice(deps.content.t("feedback.up", lang), FEEDBACK, f"{entry.id}+"),
        choice(deps.content.t("feedback.down", lang), FEEDBACK, f"{entry.id}-"),
        choice(deps.content.t("button.menu", lang), "menu"),
    ]
    title = question_label(entry, "en" if english else "zh-TW")
    return compose(body, source, buttons, replace(ctx, locale=lang), entry.id, title)


def related_buttons(entry: FaqEntry, related: Sequence[str], deps: Deps,
                    lang: str) -> list[Choice]:
    """Up to RELATED question chips: the given ids first, then the entry's own related ids."""
    known = {e.id for e in deps.nlp.entries}
    ids = [i for i in dict.fromkeys([*related, *entry.related]) if i in known and i != entry.id]
    return [choice(question_label(deps.nlp.entry(i), lang), ANSWER, i) for i in ids[:RELATED]]


def flow_button(start: str, deps: Deps, lang: str) -> Choice:
    """The button that starts a flow named INTENT or INTENT/ACTION."""
    return choice(deps.content.t(f"start.{start.partition('/')[0]}", lang), FLOW, start)


def answer_passage(passage: Passage, u: Understanding, ctx: Context, deps: Deps,
                   lang: str) -> Turn:
    """A seed sentence, quoted with its source, with the closest entries as chips."""
    body = deps.content.t("faq.passage", lang, doc=passage.doc, text=passage.shown)
    chips = [choice(question_label(deps.nlp.entry(m.faq_id), lang), ANSWER, m.faq_id)
             for m in u.matches[:RELATED] if m.score >= deps.nlp.config.related_min_score]
    buttons = (*chips, choice(deps.content.t("button.menu", lang), "menu"))
    return compose(body, "", buttons, replace(ctx, locale=lang), passage.key)


def _suggest(msg: Incoming, u: Understanding, ctx: Context, deps: Deps, lang: str) -> Turn:
    buttons = [
        choice(question_label(deps.nlp.entry(m.faq_id), lang), PICK, m.faq_id)
        for m in u.matches[:3]
    ]
    buttons.append(choice(deps.content.t("faq.none_of_these", lang), NONE))
    reply = Text(deps.content.t("faq.suggest", lang), tuple(buttons))
    effect = Effect("unanswered", {"text": scrub(msg.text), "reason": "suggested",
                                   "lang": lang})
    meta = {"intent": "unknown", "score": u.matches[0].score,
            "suggestions": [m.faq_id for m in u.matches[:3]]}
    # kept scrubbed, as the log keeps it, so a pick can be matched to its question
    return Turn(replace(ctx, locale=lang, data={**ctx.data, "asked": scrub(msg.text)}),
                (reply,), (effect,), meta)


def _beyond(msg: Incoming, u: Understanding, ctx: Context, deps: Deps, lang: str) -> Turn:
    """Our topic, but a fact the sources do not give: say so, offer what the entry does say."""
    entry = deps.nlp.entry(u.matches[0].faq_id)
    kind = deps.content.t(f"faq.beyond_kind.{u.beyond}", lang)
    text = deps.content.t("faq.beyond", lang, kind=kind, topic=question_label(entry, lang))
    buttons = (choice(question_label(entry, lang), ANSWER, entry.id),
               *handoff.with_volunteer_button(deps, lang, (
                   choice(deps.content.t("button.menu", lang), "menu"),)))
    effect = Effect("unanswered", {"text": scrub(msg.text), "reason": "no_match", "lang": lang})
    meta = {"intent": "unknown", "score": u.matches[0].score, "beyond": u.beyond}
    return Turn(replace(ctx, locale=lang), (Text(text, buttons),), (effect,), meta)


def pick(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """A suggestion pressed: answer it, and log the question as answered through it (only
    from the latest suggestions, whose question the context still holds)."""
    try:
        entry = deps.nlp.entry(press.arg)
    except KeyError:
        return menu.stale(ctx, deps)
    turn = answer_entry(entry, ctx, deps, ctx.locale)
    asked = ctx.data.get("asked")
    if press.nonce != ctx.nonce or not asked:
        return turn
    effect = Effect("unanswered", {"text": asked, "reason": "picked", "lang": ctx.locale,
                                   "faq_id": entry.id})
    return replace(turn, effects=(*turn.effects, effect))


def _unknown(msg: Incoming, ctx: Context, deps: Deps, lang: str, *, service: str | None,
             score: float = 0.0) -> Turn:
    group = deps.nlp.services.get(service) if service else None
    key = "faq.city_service" if group else "faq.unknown"
    text = deps.content.t(key, lang)
    buttons: list[Choice] = []
    if group and group.propose:
        text += "\n" + deps.content.t("faq.city_service_propose", lang)
        buttons.append(flow_button("propose", deps, lang))
    labels = {b.label for b in buttons}
    buttons += [c for c in menu.menu_choices(deps, lang) if c.label not in labels]
    choices = handoff.with_volunteer_button(deps, lang, tuple(buttons))  # 「找志工」 first
    effects = (Effect("unanswered", {"text": scrub(msg.text), "reason": "no_match",
                                     "lang": lang}),)
    meta = {"intent": "unknown", "score": score, "service": service}
    return Turn(replace(ctx, locale=lang), (Text(text, choices),), effects, meta)
