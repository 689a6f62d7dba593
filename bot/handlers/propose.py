"""The 構想書 wizard: one question per step; the draft is saved after every answer.

Flow data (ctx.data while state is "propose"): token (the draft's key), answers, back (the
steps answered in order, for 上一步), stage (step | preview | edit | similar | resume),
step (the field being asked), editing (came from the preview), ref (a resubmission's number).
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Any

from bot.core.types import Choice, Context, Effect, Incoming, Reply, Text, Turn
from bot.handlers.buttons import Press, choice
from bot.handlers.deps import Deps
from bot.handlers.menu import stale
from bot.handlers.propose_show import display, preview
from bot.proposals import fields
from bot.proposals.spec import Step

STATE = "propose"  # one state; ctx.data["stage"] tells where in the flow


def begin(ctx: Context, deps: Deps, lang: str, *, token: str = "",
          answers: dict[str, Any] | None = None, ref: str | None = None) -> Turn:
    """Start a new draft, or go on with a stored one at its first unanswered step."""
    answers = dict(answers or {})
    # 上一步 after resuming walks back through what was answered before.
    back = [s.field for s in deps.spec.asked(answers) if s.field in answers]
    data: dict[str, Any] = {"token": token or secrets.token_urlsafe(16), "answers": answers,
                            "back": back, "ref": ref, "editing": False}
    ctx = replace(ctx, state=STATE, data=data, locale=lang)
    key = "propose.resumed" if answers else "propose.intro"
    lead = Text(deps.content.t(key, lang, title=answers.get("title", ""),
                               count=len(deps.spec.asked(answers))))
    step = deps.spec.first_missing(answers)
    if step is None:
        return preview(ctx, deps, lead=(lead,))
    return ask(ctx, deps, step, lead=(lead,))


def ask(ctx: Context, deps: Deps, step: Step, *, lead: tuple[Reply, ...] = (),
        error: str = "") -> Turn:
    """Ask step's question: progress, the question, the current value, its buttons."""
    lang, answers = ctx.locale, ctx.data["answers"]
    asked = deps.spec.asked(answers)
    number = next((i for i, s in enumerate(asked, 1) if s.field == step.field), len(asked))
    parts = [error] if error else []
    parts.append(deps.content.t("propose.progress", lang, n=number, total=len(asked)) +
                 deps.content.t(f"propose.ask.{step.field}", lang, min=step.min, max=step.max))
    if step.field in answers:
        value = display(deps, step.field, answers, lang)
        parts.append(deps.content.t("propose.current", lang, value=value))
    data = {**ctx.data, "stage": "step", "step": step.field}
    reply = Text("\n".join(parts), _buttons(ctx, deps, step))
    return Turn(replace(ctx, data=data), (*lead, reply), meta={"intent": "propose"})


def _buttons(ctx: Context, deps: Deps, step: Step) -> tuple[Choice, ...]:
    lang, t = ctx.locale, deps.content.t
    if step.kind == "consent":
        found = [choice(t("propose.button.contact_yes", lang), "pv", "yes"),
                 choice(t("propose.button.contact_no", lang), "pv", "no")]
    else:
        found = [choice(o.label(lang), "pv", o.id) for o in deps.spec.options(step)]
    if step.optional:
        found.append(choice(t("propose.button.skip", lang), "ps"))
    if ctx.data.get("back") or ctx.data.get("editing"):
        found.append(choice(t("propose.button.back", lang), "pb"))
    return tuple(found[:13])  # LINE shows at most 13 quick replies


def on_step_text(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    """Typed text at a step: back, skip, or the answer to the current step."""
    if deps.spec.word_is("back", msg.text):
        return go_back(ctx, deps)
    step = deps.spec.step(ctx.data["step"])
    if deps.spec.word_is("skip", msg.text):
        return skip(ctx, deps)
    return accept(ctx, deps, step, _parse(step, msg.text, deps))


def _parse(step: Step, text: str, deps: Deps) -> fields.Parsed:
    if step.kind == "text":
        return fields.parse_text(step, text)
    if step.kind == "money":
        return fields.parse_money(step, text)
    if step.kind == "phone":
        return fields.parse_phone(text)
    if step.kind == "consent":
        return _consent(text, deps)
    return fields.parse_option(deps.spec.options(step), text)


def _consent(text: str, deps: Deps) -> fields.Parsed:
    if deps.spec.word_is("no", text):
        return fields.Parsed(False)
    if deps.spec.word_is("yes", text):
        return fields.Parsed(True)
    return fields.Parsed(error="propose.error.pick_one")


def accept(ctx: Context, deps: Deps, step: Step, parsed: fields.Parsed) -> Turn:
    """Store a valid answer (and save the draft), then ask the next step or preview."""
    if not parsed.ok:
        error = deps.content.t(parsed.error, ctx.locale, **dict(parsed.params))
        return ask(ctx, deps, step, error=error)
    answers = {**ctx.data["answers"], step.field: parsed.value}
    if step.kind == "consent" and parsed.value is False:
        answers = {k: v for k, v in answers.items()
                   if not any(s.needs == step.field and s.field == k for s in deps.spec.steps)}
    back = ctx.data["back"] if ctx.data.get("editing") else [*ctx.data["back"], step.field]
    ctx = replace(ctx, data={**ctx.data, "answers": answers, "back": back})
    save = Effect("proposal_save", {"token": ctx.data["token"], "answers": answers,
                                    "locale": ctx.locale})
    turn = after_answer(ctx, deps)
    return replace(turn, effects=(*turn.effects, save))


def after_answer(ctx: Context, deps: Deps) -> Turn:
    """The next unanswered step, or the preview when everything is answered."""
    step = deps.spec.first_missing(ctx.data["answers"])
    if step is not None:
        return ask(ctx, deps, step)
    return preview(ctx, deps)


def go_back(ctx: Context, deps: Deps) -> Turn:
    """上一步: the previous step (from an edit: the preview)."""
    if ctx.data.get("editing"):
        return preview(ctx, deps)
    back = list(ctx.data.get("back", []))
    current = deps.spec.step(ctx.data["step"])
    if not back:
        return ask(ctx, deps, current, error=deps.content.t("propose.error.first", ctx.locale))
    previous = deps.spec.step(back.pop())
    return ask(replace(ctx, data={**ctx.data, "back": back}), deps, previous)


def skip(ctx: Context, deps: Deps) -> Turn:
    """略過: allowed on optional steps only."""
    step = deps.spec.step(ctx.data["step"])
    if not step.optional:
        return ask(ctx, deps, step, error=deps.content.t("propose.error.required", ctx.locale))
    return accept(ctx, deps, step, fields.Parsed(None))


def press_value(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """A value button (district, category, consent) of the current step."""
    if not in_step(ctx):
        return stale(ctx, deps)
    step = deps.spec.step(ctx.data["step"])
    if step.kind == "consent":
        return accept(ctx, deps, step, fields.Parsed(press.arg == "yes"))
    return accept(ctx, deps, step, fields.parse_option(deps.spec.options(step), press.arg))


def press_back(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """The 上一步 button."""
    return go_back(ctx, deps) if in_step(ctx) else stale(ctx, deps)


def press_skip(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """The 略過 button."""
    return skip(ctx, deps) if in_step(ctx) else stale(ctx, deps)


def in_step(ctx: Context) -> bool:
    """True while the wizard waits for a step's answer."""
    return ctx.state == STATE and ctx.data.get("stage") == "step"
