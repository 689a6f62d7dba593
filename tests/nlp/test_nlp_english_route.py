"""English questions reach entries that have no English phrasing, through the glossary of
content/nlp/synonyms.yaml; a key given twice in a content YAML file is an error, not a silent
loss of the first line's variants."""

from __future__ import annotations

import pytest
import yaml

from bot.common.yamlfile import load_yaml
from bot.nlp.kb import load_faq
from bot.nlp.understander import Understander
from tests.nlp.conftest import CONTENT

# (question, an entry without questions_en that holds the answer)
ENGLISH = [
    ("What are the subsystems of the smart eco-community plan?", "eco-subsystems"),
    ("What working groups does the citizen participation committee have?", "committee-groups"),
    ("Is participatory budgeting outsourced?", "pb-in-house"),
    ("What is a resilient city?", "sc-resilient"),
    ("What is the design philosophy of participatory budgeting?", "pb-principles"),
    ("What are the strategies of the eco-community plan?", "eco-strategies"),
]


@pytest.mark.parametrize(("text", "entry"), ENGLISH)
def test_english_reaches_an_entry_without_english(real_nlp: Understander, text: str,
                                                  entry: str) -> None:
    assert not {e.id: e for e in load_faq(CONTENT)}[entry].questions_en
    got = real_nlp.understand(text)
    assert (got.intent, got.confidence, got.matches[0].faq_id) == ("faq", "high", entry)


def test_every_variant_of_a_term_given_twice_is_kept(real_nlp: Understander) -> None:
    """逕予執行 was listed twice; the first list's slips were lost to the second."""
    canonical = real_nlp.normalizer("逕予執行")
    for typed in ("逕行執行", "直接執行", "fast-track"):
        assert canonical in real_nlp.normalizer(f"{typed}是什麼"), typed


def test_a_key_given_twice_is_an_error() -> None:
    with pytest.raises(yaml.YAMLError, match="duplicate key"):
        load_yaml("phrases:\n  a: [b]\n  a: [c]\n")
    assert load_yaml("x: &m {b: 1}\ny:\n  <<: *m\n  c: 2\n") == {"x": {"b": 1},
                                                                "y": {"b": 1, "c": 2}}


def test_connectives_of_formal_and_english_questions_do_not_count(
        real_nlp: Understander) -> None:
    formal = real_nlp.measure("這筆經費是否於105年度被刪除，還是分別編列？").query
    assert formal is not None
    assert not {"于", "被", "还是", "分别"} & set(formal.words)
    english = real_nlp.measure("How many people took part, and which year did it start?").query
    assert english is not None
    assert not {"took", "book", "which", "did"} & set(english.words)


def test_asking_what_a_name_means_is_asking_what_it_is(real_nlp: Understander) -> None:
    means = real_nlp.understand("ICT 是指")
    assert (means.confidence, means.matches[0].faq_id) == (
        "high", real_nlp.understand("ICT是什麼").matches[0].faq_id)
