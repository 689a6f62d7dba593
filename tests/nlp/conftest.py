"""Shared NLP fixtures: one Understander over a small fixture FAQ, one over the real content.

Both use the real content/nlp data and content/intents.yaml (that is what these tests check);
jieba is process-global, so it starts once for the whole session.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlp.kb import load_faq
from bot.nlp.understander import Understander

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
FIXTURE = Path(__file__).resolve().parent / "fixture"


@pytest.fixture(scope="session")
def nlp() -> Understander:
    """The fixture FAQ (tests/nlp/fixture/faq) with the real NLP data and intents."""
    return Understander.from_parts(load_faq(FIXTURE), CONTENT)


@pytest.fixture(scope="session")
def real_nlp() -> Understander:
    """Everything from content/ (the FAQ the bot ships)."""
    return Understander.from_content(CONTENT)
