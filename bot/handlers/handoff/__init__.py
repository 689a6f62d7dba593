"""Hand-off to a person: the resident asks (resident.py), their open ticket carries their
messages (ticket.py), volunteers answer in a Telegram group (volunteer.py, volunteer_list.py),
jobs relay both ways (relay.py) and a sweep nudges and closes (sweep.py).

The open ticket takes part in three route steps: before every turn (a closed ticket is
dropped), group messages (a volunteer's answer), and text while the ticket is held.
"""

from __future__ import annotations

from bot.core.types import Context, Incoming, Turn
from bot.handlers.deps import Deps
from bot.handlers.feature import Action, Command, Feature, Wiring
from bot.handlers.handoff import relay, resident, sweep, ticket, volunteer, volunteer_list
from bot.storage.jobs import JobHandler
from bot.tickets import effects as ticket_effects
from bot.tickets import render

REF = "1" * resident.REF_DIGITS
ANSWER_ID = str(2**63 - 1)  # a ticket_message id (bigint)


async def _held(msg: Incoming, ctx: Context, deps: Deps) -> Turn | None:
    return await ticket.on_text(msg, ctx, deps) if ticket.holds(ctx) else None


def _longest_district(deps: Deps) -> str:
    return max((d.id for d in deps.spec.districts), key=lambda s: len(s.encode()), default="")


def _longest_send(deps: Deps) -> str:
    return f"{REF}:{max((e.id for e in deps.nlp.entries), key=len, default='')}"


def _jobs(wiring: Wiring) -> dict[str, JobHandler]:
    jobs = relay.TicketRelay(wiring.deps, wiring.pusher, wiring.topics, wiring.replier)
    return {ticket_effects.SYNC: jobs.sync, ticket_effects.DELIVER: jobs.deliver}


FEATURE = Feature(
    "handoff",
    actions={
        resident.ACTION: Action(resident.press_start, stateless=True),
        resident.USE_ASKED: Action(resident.press_use_asked, old=("hq",)),
        resident.PICK_DISTRICT: Action(resident.press_district, old=("hd",),
                                       longest=_longest_district),
        resident.AGREE: Action(resident.press_agree, old=("hy",)),
        resident.NEVER_MIND: Action(resident.press_never_mind, old=("hn",)),
        render.END: Action(ticket.press_end, stateless=True, old=("he",), longest=lambda d: REF),
        render.RATE: Action(ticket.press_rate, stateless=True, old=("hr",),
                            longest=lambda d: ANSWER_ID + "+"),
        render.CLAIM: Action(volunteer.press_claim, stateless=True, old=("tc",),
                             longest=lambda d: REF),
        render.CLOSE: Action(volunteer.press_close, stateless=True, old=("tx",),
                             longest=lambda d: REF),
        render.TO_FAQ: Action(volunteer.press_to_faq, stateless=True, old=("tf",),
                              longest=lambda d: REF),
        render.SEND: Action(volunteer.press_send, stateless=True, old=("ts",),
                            longest=_longest_send),
    },
    states={resident.QUESTION: resident.on_question, resident.DISTRICT: resident.on_district,
            resident.CONSENT: resident.on_consent},
    # 「取消」 is declared here: with only an open ticket left it says how to end it, otherwise
    # it cancels like the menu's cancel.
    commands={"handoff": Command(resident.begin), "endchat": Command(ticket.end_command),
              "cancel": Command(ticket.cancel_command),
              "tickets": Command(volunteer_list.list_open)},
    intents={"handoff": resident.start},
    group=volunteer.on_group_message,
    held=_held,
    before=ticket.checked,
    after=ticket.keep_marker,
    effects=ticket_effects.APPLIERS,
    jobs=_jobs,
    loops=lambda wiring: {"ticket-sweep": sweep.TicketSweep(wiring.deps).run},
    cli=("volunteers", "faq-suggestions"),
)
