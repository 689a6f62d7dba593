"""Answers to step questions (bot/nlp/steps.py, content/process.yaml): what comes next or
before, which step, who runs it, how long, straight to the vote; with the step's entry."""

from __future__ import annotations

from dataclasses import replace

from bot.core.types import Context, Turn
from bot.handlers.buttons import choice
from bot.handlers.deps import Deps
from bot.nlp.steps import Process, Step, StepQuestion

CIRCLED = "①②③④⑤⑥⑦⑧⑨"
NUMERALS = "一二三四五六七八九"


def answer(q: StepQuestion, ctx: Context, deps: Deps, lang: str) -> Turn:
    """The step question answered from the process data, with its source and buttons."""
    from bot.handlers.qa import compose, question_label  # the one answer composer
    process = deps.nlp.steps.processes[q.process]
    body = _body(q, process, deps, lang)
    if "note" in process.fields and q.relation in ("next", "direct") and not _en(lang):
        body += "\n" + process.fields["note"]
    body += "\n" + deps.content.t("steps.chain", lang, process=_pname(process, lang),
                                  chain=_chain(process, lang))
    source = deps.content.t("faq.source", lang, doc=process.fields["doc"],
                            year=process.fields["year"])
    step = process.steps[q.step]
    target = _target(q, process)
    buttons = []
    for faq in dict.fromkeys([target.fields.get("faq"), step.fields.get("faq")]):
        if faq:
            buttons.append(choice(question_label(deps.nlp.entry(faq), lang), "faq", faq))
    buttons.append(choice(deps.content.t("button.menu", lang), "menu"))
    key = f"step:{q.process}:{target.id}:{q.relation}"   # the topic a follow-up refers to
    return compose(body, source, buttons, replace(ctx, locale=lang), key)


def _body(q: StepQuestion, process: Process, deps: Deps, lang: str) -> str:
    steps, step, t = process.steps, process.steps[q.step], deps.content.t
    name, pname = _name(step, lang), _pname(process, lang)
    if q.relation == "next":
        if q.step + 1 >= len(steps):
            return t("steps.last", lang, step=name, process=pname, what=_what(step, lang))
        other = steps[q.step + 1]
        return t("steps.next", lang, step=name, n=_nth(q.step + 1, lang), other=_name(other, lang),
                 what=_what(other, lang))
    if q.relation in ("before", "first"):
        if q.step == 0:
            key = "steps.first" if q.relation == "first" else "steps.first_step"
            return t(key, lang, step=name, process=pname, what=_what(step, lang))
        other = steps[q.step - 1]
        return t("steps.before", lang, step=name, n=_nth(q.step - 1, lang),
                 other=_name(other, lang), what=_what(other, lang))
    if q.relation == "which":
        return t("steps.which", lang, step=name, process=pname, n=_nth(q.step, lang),
                 total=_nth(len(steps) - 1, lang), what=_what(step, lang))
    if q.relation == "who":
        return t("steps.who", lang, step=name, actor=_field(step, "actor", lang))
    if q.relation == "long":
        return t("steps.long", lang, timing=_pfield(process, "timing", lang))
    return _direct(q, process, deps, lang)


def _direct(q: StepQuestion, process: Process, deps: Deps, lang: str) -> str:
    steps, step, t = process.steps, process.steps[q.step], deps.content.t
    vote = next((i for i, s in enumerate(steps) if s.vote), len(steps) - 1)
    name, vname = _name(step, lang), _name(steps[vote], lang)
    if q.step >= vote:
        return t("steps.direct_after", lang, step=name, vote=vname, what=_what(step, lang))
    if q.step + 1 == vote:
        return t("steps.direct_yes", lang, step=name, vote=vname)
    between = "、".join(f"「{_name(s, lang)}」" for s in steps[q.step + 1:vote])
    return t("steps.direct_no", lang, step=name, between=between, vote=vname)


def _target(q: StepQuestion, process: Process) -> Step:
    """The step the answer is about (the next one for 'next', the one before for 'before')."""
    last = len(process.steps) - 1
    shift = {"next": 1, "before": -1}.get(q.relation, 0)
    return process.steps[max(0, min(last, q.step + shift))]


def _nth(index: int, lang: str) -> str:
    """A step's number as residents read it: 第二 in Chinese, 2 in English."""
    return str(index + 1) if _en(lang) else NUMERALS[index]


def _en(lang: str) -> bool:
    return lang == "en"


def _name(step: Step, lang: str) -> str:
    return step.fields.get("name_en", step.names[0]) if _en(lang) else step.names[0]


def _what(step: Step, lang: str) -> str:
    return _field(step, "what", lang)


def _field(step: Step, key: str, lang: str) -> str:
    return step.fields.get(f"{key}_en", step.fields[key]) if _en(lang) else step.fields[key]


def _pfield(process: Process, key: str, lang: str) -> str:
    if _en(lang):
        return process.fields.get(f"{key}_en", process.fields.get(key, ""))
    return process.fields.get(key, "")


def _pname(process: Process, lang: str) -> str:
    return _pfield(process, "name", lang)


def _chain(process: Process, lang: str) -> str:
    return " → ".join(f"{CIRCLED[i]}{_name(s, lang)}" for i, s in enumerate(process.steps))
