"""Walks and courses (走讀, 課程): browse (browse.py), sign up (signup.py), 我的報名 and seat
offers (mine.py), the cards (show.py), staff lists and check-in (staff.py), reminder and
offer jobs (jobs.py) and the calendar file route (web.py).

Rules and data shapes live in bot/events/, storage in bot/storage/events*.py.
"""

from __future__ import annotations

from datetime import date

from bot.events import effects as saved
from bot.events.filters import KIND_LETTERS, Filter
from bot.events.spec import ID_MAX
from bot.handlers.deps import Deps
from bot.handlers.events import browse, checkin, jobs, mine, show, signup, staff, web
from bot.handlers.feature import Action, Command, Feature, Wiring
from bot.storage.jobs import JobHandler

EVENT_ID = "e" * ID_MAX  # the longest id an event file may give
REG_ID = str(2**63 - 1)  # a registration's id (bigint)


def _longest_page(deps: Deps) -> str:
    district = max((d.id for d in deps.spec.districts), key=lambda s: len(s.encode()))
    day = date(2099, 12, 31)
    return f"{Filter(tuple(KIND_LETTERS), district, day, day).encode()}:{10**4}"


def _jobs(wiring: Wiring) -> dict[str, JobHandler]:
    return jobs.EventJobs(wiring.deps, wiring.pusher).handlers()


def _reg(deps: Deps) -> str:
    return REG_ID


FEATURE = Feature(
    "events",
    actions={
        browse.BROWSE: Action(browse.press_browse, stateless=True),
        browse.MORE: Action(browse.press_more, stateless=True, old=("evp",),
                            longest=_longest_page),
        show.REGISTER: Action(signup.press_register, stateless=True, old=("evr",),
                              longest=lambda d: EVENT_ID),
        signup.CONSENT: Action(signup.press_consent, old=("evc",), longest=lambda d: "y"),
        signup.USE_NAME: Action(signup.press_name, old=("evn",)),
        show.MINE: Action(mine.press_mine, stateless=True),
        show.CANCEL: Action(mine.press_cancel, stateless=True, old=("evx",), longest=_reg),
        mine.CONFIRM: Action(mine.press_confirm, old=("evy",), longest=_reg),
        mine.KEEP: Action(mine.press_keep, old=("evk",)),
        show.ACCEPT: Action(mine.press_accept, stateless=True, old=("evoa",), longest=_reg),
        show.REFUSE: Action(mine.press_refuse, stateless=True, old=("evor",), longest=_reg),
        staff.LIST: Action(staff.press_list, stateless=True, old=("eva",),
                           longest=lambda d: EVENT_ID),
        checkin.PICK: Action(checkin.press_pick, stateless=True, old=("evi",), longest=_reg),
        checkin.ANYWAY: Action(checkin.press_anyway, stateless=True, longest=_reg),
        checkin.UNDO: Action(checkin.press_undo, stateless=True, longest=_reg),
    },
    states={signup.STATE: signup.on_text, staff.CHECKIN_STATE: staff.on_text},
    commands={"events": Command(browse.browse), "myevents": Command(mine.my_events),
              "staff_events": Command(staff.list_events)},
    typed=staff.intercept,  # /checkin CODE, or a bare code from staff
    intents={"register": browse.start},
    effects=saved.APPLIERS,
    jobs=_jobs,
    routes=web.add_routes,
    cli=("events",),
)
