"""The FAQ: answering questions (answer.py) and the buttons of an answer (presses.py).

It is also the router's fallback: text no other step took is understood here, and a
request some feature declared as its intent starts that feature's flow.
"""

from __future__ import annotations

from bot.handlers.deps import Deps
from bot.handlers.faq import answer, presses
from bot.handlers.faq.reply import ANSWER
from bot.handlers.feature import Action, Command, Feature
from bot.storage import effects


def _longest_id(deps: Deps) -> str:
    return max((e.id for e in deps.nlp.entries), key=len, default="")


def _longest_page(deps: Deps) -> str:
    count = len(deps.nlp.entries) // presses.PAGE + 1
    return f"{max(deps.content.topics, key=len, default='')}:{count}"


FEATURE = Feature(
    "faq",
    actions={
        ANSWER: Action(presses.faq, stateless=True, longest=_longest_id),
        presses.TOPICS: Action(presses.topics, stateless=True, old=("topics",)),
        presses.TOPIC: Action(presses.topic, stateless=True, old=("topic",),
                              longest=_longest_page),
        answer.MORE: Action(presses.more, stateless=True, old=("more",), longest=_longest_id),
        answer.FEEDBACK: Action(presses.feedback, stateless=True, old=("fb",),
                                longest=lambda deps: _longest_id(deps) + "+"),
        answer.PICK: Action(answer.pick, stateless=True, old=("pick",), longest=_longest_id),
        answer.NONE: Action(presses.none_of_these, stateless=True, old=("nomatch",)),
    },
    commands={"topics": Command(presses.show_topics)},
    fallback=answer.answer_text,
    effects={"feedback": effects.feedback},
    batched={"unanswered": effects.unanswered},
)
