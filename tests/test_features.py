"""The features' declarations agree with content and with each other, and the recipe of
docs/design.md ("How to add a feature") works: the /about feature was added by it alone."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
import yaml

from bot.cli.main import _parser
from bot.handlers import about, features
from bot.handlers.deps import Deps
from bot.handlers.feature import Action, Feature
from bot.nlp.checks import FLOW_INTENTS
from bot.nlp.kb import load_faq
from tests.chat import Chat

CONTENT = Path(__file__).resolve().parents[1] / "content"


def test_every_command_word_list_has_a_feature_that_answers_it() -> None:
    words = yaml.safe_load((CONTENT / "commands.yaml").read_text(encoding="utf-8"))
    assert set(words) == set(features.COMMANDS)


def test_intents_the_faq_may_start_are_the_ones_features_declare() -> None:
    assert set(features.INTENTS) == FLOW_INTENTS
    starts = {e.start.partition("/")[0] for e in load_faq(CONTENT) if e.start}
    assert starts <= set(features.INTENTS)


def test_declared_run_py_subcommands_exist() -> None:
    subparsers = next(a for a in _parser()._actions
                      if isinstance(a, argparse._SubParsersAction))
    assert set(features.CLI) <= set(subparsers.choices)


def test_a_name_declared_twice_is_refused() -> None:
    one = Feature("one", actions={"x.y": Action(about.press_about)})
    two = Feature("two", actions={"x.y": Action(about.press_about, stateless=True)})
    with pytest.raises(ValueError, match="declared twice"):
        features._merge("action", [*one.actions.items(), *two.actions.items()])


def test_the_order_is_documented_and_every_feature_is_in_it() -> None:
    names = [f.name for f in features.FEATURES]
    assert names[:3] == ["propose", "menu", "mydata"] and names[-1] == "router"
    assert len(set(names)) == len(names)
    for step in ("follow", "buttons", "groups", "commands", "states", "open ticket",
                 "fallback"):
        assert step in (features.__doc__ or "")


def test_about_is_one_feature_declared_in_its_own_module() -> None:
    assert about.FEATURE in features.FEATURES
    assert features.declared("commands")["about"] == "about"
    assert features.declared("actions")[about.ACTION] == "about"


@pytest.mark.parametrize("typed", ["/about", "關於", "about"])
async def test_about_lists_the_seed_documents_and_the_version(chat: Chat, deps: Deps,
                                                              typed: str) -> None:
    text = await chat.send(typed)
    sources = yaml.safe_load((CONTENT / "seeds" / "sources.yaml").read_text(encoding="utf-8"))
    for source in sources.values():
        assert str(source["doc"]) in text and str(source["year"]) in text
    assert about.bot_version() in text and about.bot_version() != "unknown"
    assert chat.meta["intent"] == "about"
    assert ("version" in text) == (typed == "about")  # typed in English: answered in English


async def test_about_button_answers_like_the_command(chat: Chat) -> None:
    typed = await chat.send("/about")
    assert await chat.press_payload(f"|{about.ACTION}|") == typed
