"""Proposals (構想書): the resident's wizard and review, the district office's staff side.

Modules: wizard.py (one question at a time), review.py (start, resume, preview, submit,
我的提案), show.py (values and the preview), staff.py and staff_card.py (status changes),
notice.py (the job telling the office), page.py (the printable page).
"""

from __future__ import annotations

import secrets
from dataclasses import replace

from bot.core.types import Context, Effect, Incoming, Turn
from bot.handlers import menu
from bot.handlers.deps import Deps
from bot.handlers.feature import Action, Command, Feature, Wiring
from bot.handlers.propose import notice, page, review, show, staff, staff_card, wizard
from bot.nlp.understander import Understanding
from bot.proposals import effects as saved
from bot.storage import effects
from bot.storage.jobs import JobHandler

REF_EXAMPLE = "261123-ABCD"  # YYMMDD-XXXX (review.make_ref)


async def _start(msg: Incoming, u: Understanding, ctx: Context, deps: Deps, lang: str) -> Turn:
    return await review.start(msg, ctx, deps, lang)


def _follow(msg: Incoming, ctx: Context, deps: Deps) -> Turn | None:
    """Back in the middle of the wizard (the web chat follows on every page load): 歡迎回來,
    and the current step asked again, so a typed answer goes on with the wizard."""
    if msg.kind != "follow" or not wizard.in_step(ctx):
        return None
    lead = (menu.welcome_back_lead(ctx, deps),)
    turn = wizard.ask(ctx, deps, deps.spec.step(ctx.data["step"]), lead=lead)
    return replace(turn, effects=(*turn.effects, Effect("follow")))


def _longest(values: list[str]) -> str:
    return max(values, key=lambda v: len(v.encode()), default="")


def _longest_value(deps: Deps) -> str:
    return _longest(["yes", "no", *(o.id for s in deps.spec.steps for o in deps.spec.options(s))])


def _longest_status(deps: Deps) -> str:
    return f"{REF_EXAMPLE}:{_longest([*deps.spec.statuses])}"


def _jobs(wiring: Wiring) -> dict[str, JobHandler]:
    return {notice.KIND: notice.StaffNotifier(wiring.deps, wiring.pusher).run}


FEATURE = Feature(
    "propose",
    actions={
        review.START: Action(lambda m, p, c, d: review.start(m, c, d, c.locale), stateless=True),
        review.MINE: Action(lambda m, p, c, d: review.my_proposals(m, c, d, c.locale),
                            stateless=True),
        wizard.VALUE: Action(wizard.press_value, old=("pv",), longest=_longest_value),
        wizard.BACK: Action(wizard.press_back, old=("pb",)),
        wizard.SKIP: Action(wizard.press_skip, old=("ps",)),
        wizard.KEEP: Action(wizard.press_keep, old=("pk",)),
        review.RESUME: Action(review.press_resume, old=("pr",),
                              longest=lambda deps: secrets.token_urlsafe(16)),
        show.PREVIEW_ACTION: Action(review.press_preview, old=("pp",),
                                    longest=lambda deps: "submit"),
        review.EDIT: Action(review.press_edit, old=("pe",),
                            longest=lambda deps: _longest([s.field for s in deps.spec.steps])),
        staff_card.STATUS_ACTION: Action(staff.press_status, stateless=True, old=("st",),
                                         longest=_longest_status),
    },
    states={wizard.STATE: review.on_text, staff.NOTE_STATE: staff.on_note},
    commands={"myprops": Command(review.my_proposals, tag=False),
              "whoami": Command(staff.whoami)},
    intents={"propose": _start},
    follow=_follow,
    effects={"proposal_save": saved.save, "proposal_submit": saved.submit,
             "proposal_status": saved.set_status, "notify": effects.notify},
    jobs=_jobs,
    routes=page.add_routes,
    cli=("staff", "proposals"),
)
