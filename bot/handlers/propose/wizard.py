"""The 構想書 wizard: one question per step; the draft is saved after every answer.

Flow data (ctx.data while state is "propose"): token (the draft's key), answers, back (the
steps answered in order, for 上一步), stage (step | preview | edit | similar | resume),
step (the field being asked), editing (came from the preview), ref (a resubmission's number).
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Any

from bot.core.buttons import Press, choice
from bot.core.types import Choice, Context, Effect, Incoming, Reply, Text, Turn
from bot.handlers.deps import Deps
from bot.handlers.menu import stale
from bot.handlers.propose.show import display, preview
from bot.proposals import fields
from bot.proposals.spec import Step

STATE = "propose"  # one state; ctx.data["stage"] tells where in the flow
# The wizard's buttons: each answers the step asked now (a stale one is refused).
VALUE, BACK, SKIP, KEEP = "propose.value", "propose.back", "propose.skip", "propose.keep"


def begin(ctx: Context, deps: Deps, lang: str, *, token: str = "",
          answers: dict[str, Any] | None = None, ref: str | None = None) -> Turn:
    """Start a new draft, or go on with a stored one at its first unanswered step."""
    answers = dict(answers or {})
    # 上一步 after resuming walks back through what was answered before.
    back = [s.field for s in deps.spec.asked(answers) if s.field in answers]
    data: dict[str, Any] = {"token": token or secrets.token_urlsafe(16), "answers": answers,
                            "back": back, "ref": ref, "editing": False}
    ctx = replace(ctx, state=STATE, data=data, locale=lang)
    lead = Text(_opening(deps, answers, lang))
    step = deps.spec.first_missing(answers)
    if step is None:
        return preview(ctx, deps, lead=(lead,))
    return ask(ctx, deps, step, lead=(lead,))


def _opening(deps: Deps, answers: dict[str, Any], lang: str) -> str:
    # Count what will be asked: the main questions, and say that consenting to be
    # contacted adds its follow-up questions (numbered on their own, see _progress).
    t, main = deps.content.t, deps.spec.main_steps()
    if answers:
        done = sum(1 for s in main if s.field in answers)
        return t("propose.resumed", lang, title=answers.get("title", ""), done=done,
                 count=len(main))
    extra = len(deps.spec.steps) - len(main)
    note = t("propose.intro.extra", lang, n=extra) if extra else ""
    return t("propose.intro", lang, count=len(main), extra=note)


def ask(ctx: Context, deps: Deps, step: Step, *, lead: tuple[Reply, ...] = (),
        error: str = "") -> Turn:
    """Ask step's question: progress, the question, the current value, its buttons."""
    lang, answers = ctx.locale, ctx.data["answers"]
    parts = [error] if error else []
    parts.append(_progress(deps, step, lang) +
                 deps.content.t(f"propose.ask.{step.field}", lang, min=step.min, max=step.max))
    if step.field in answers:
        value = display(deps, step.field, answers, lang)
        parts.append(deps.content.t("propose.current", lang, value=value))
    data = {**ctx.data, "stage": "step", "step": step.field}
    reply = Text("\n".join(parts), _buttons(ctx, deps, step))
    return Turn(replace(ctx, data=data), (*lead, reply), meta={"intent": "propose"})


def _progress(deps: Deps, step: Step, lang: str) -> str:
    """「（3/9）」 for a main question; 「（聯絡方式 1/2）」 for a consent's follow-up."""
    t = deps.content.t
    if step.needs:
        group = deps.spec.follow_ups(step.needs)
        return t("propose.progress.extra", lang, group=t(f"propose.field.{step.needs}", lang),
                 n=group.index(step) + 1, total=len(group))
    main = deps.spec.main_steps()
    return t("propose.progress", lang, n=main.index(step) + 1, total=len(main))


def _buttons(ctx: Context, deps: Deps, step: Step) -> tuple[Choice, ...]:
    lang, t = ctx.locale, deps.content.t
    answers = ctx.data["answers"]
    has_value = step.field in answers
    found = [choice(t("propose.button.keep", lang), KEEP)] if has_value else []
    if step.kind == "consent":
        found += [choice(t("propose.button.contact_yes", lang), VALUE, "yes"),
                  choice(t("propose.button.contact_no", lang), VALUE, "no")]
    else:  # the current option is what 保留 keeps: leave room for 上一步 in LINE's 13
        found += [choice(o.label(lang), VALUE, o.id) for o in deps.spec.options(step)
                  if not (has_value and o.id == answers[step.field])]
    if step.optional:
        found.append(choice(t("propose.button.skip", lang), SKIP))
    if ctx.data.get("back") or ctx.data.get("editing"):
        found.append(choice(t("propose.button.back", lang), BACK))
    return tuple(found[:13])  # LINE shows at most 13 quick replies


def on_step_text(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    """Typed text at a step: back, keep, skip, or the answer to the current step."""
    if deps.spec.word_is("back", msg.text):
        return go_back(ctx, deps)
    if deps.spec.word_is("keep", msg.text):
        return keep(ctx, deps)
    step = deps.spec.step(ctx.data["step"])
    if step.kind != "consent" and deps.spec.word_is("skip", msg.text):
        return skip(ctx, deps)
    return accept(ctx, deps, step, _parse(step, msg.text, deps))


def _parse(step: Step, text: str, deps: Deps) -> fields.Parsed:
    if step.kind == "text":
        return fields.parse_text(step, text)
    if step.kind == "money":
        return fields.parse_money(step, text, deps.spec.words.get("approx", ()))
    if step.kind == "phone":
        return fields.parse_phone(text)
    if step.kind == "consent":
        return _consent(text, deps)
    return fields.parse_option(deps.spec.options(step), text)


def _consent(text: str, deps: Deps) -> fields.Parsed:
    # 「略過」 at a yes/no question means "no, thanks", not "skip a required step".
    if deps.spec.word_is("no", text) or deps.spec.word_is("skip", text):
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
    turn = after_answer(ctx, deps) if ctx.data.get("editing") else forward(ctx, deps, step)
    return replace(turn, effects=(*turn.effects, save))


def after_answer(ctx: Context, deps: Deps) -> Turn:
    """The next unanswered step, or the preview when everything is answered."""
    step = deps.spec.first_missing(ctx.data["answers"])
    if step is not None:
        return ask(ctx, deps, step)
    return preview(ctx, deps)


def forward(ctx: Context, deps: Deps, step: Step) -> Turn:
    """The step after this one (answered ones show their value and 保留, after 上一步)."""
    following = deps.spec.step_after(step.field, ctx.data["answers"])
    if following is None:
        return after_answer(ctx, deps)
    return ask(ctx, deps, following)


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
    """略過: allowed on optional steps only (at a yes/no question it means no)."""
    step = deps.spec.step(ctx.data["step"])
    if step.kind == "consent":
        return accept(ctx, deps, step, fields.Parsed(False))
    if not step.optional:
        return ask(ctx, deps, step, error=deps.content.t("propose.error.required", ctx.locale))
    return accept(ctx, deps, step, fields.Parsed(None))


def keep(ctx: Context, deps: Deps) -> Turn:
    """保留 / 下一步: keep the answer shown and go on."""
    step = deps.spec.step(ctx.data["step"])
    answers = ctx.data["answers"]
    if step.field not in answers:
        return ask(ctx, deps, step, error=deps.content.t("propose.error.nothing_to_keep",
                                                          ctx.locale))
    return accept(ctx, deps, step, fields.Parsed(answers[step.field]))


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


def press_keep(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """The 保留 button."""
    return keep(ctx, deps) if in_step(ctx) else stale(ctx, deps)


def in_step(ctx: Context) -> bool:
    """True while the wizard waits for a step's answer."""
    return ctx.state == STATE and ctx.data.get("stage") == "step"
