"""The understanding cache: a repeated text is answered from it, with what a fresh
understanding gives, whatever came before it."""

from __future__ import annotations

from bot.common.text import has_contact
from bot.nlp.understander import Understander
from tests.nlp.conftest import CONTENT
from tests.nlp.questions import load


def test_a_repeated_text_is_a_cache_hit(real_nlp: Understander) -> None:
    text = "住民大會要帶什麼 cache-test"
    hits, misses = real_nlp.cache_info()
    first = real_nlp.understand(text)
    second = real_nlp.understand(text)
    assert second is first
    assert real_nlp.cache_info() == (hits + 1, misses + 1)


def test_cached_understandings_equal_fresh_ones_in_any_order() -> None:
    """Understanding is a function of the text alone: a cache filled in one order agrees with
    fresh understandings taken in the reverse order, for every labelled question."""
    nlp = Understander.from_content(CONTENT)
    texts = [q.q for q in load()]
    cached = [nlp.understand(t) for t in texts]
    fresh = [nlp.understand_fresh(t) for t in reversed(texts)][::-1]
    assert cached == fresh
    assert [nlp.understand(t) for t in texts] == cached
    assert nlp.cache_info()[0] >= len({t for t in texts if not has_contact(t)})


def test_the_cache_is_bounded() -> None:
    nlp = Understander.from_content(CONTENT)
    small = Understander(list(nlp.entries), nlp.analyser, nlp.intents, nlp.examples, [],
                         nlp.services, nlp.config, cache_size=2)
    for text in ("你好", "選單", "住民大會", "你好"):
        small.understand(text)
    assert small.cache_info() == (0, 4)  # 你好 was pushed out by the two after it


def test_long_texts_share_an_entry_past_the_length_limit(real_nlp: Understander) -> None:
    limit = real_nlp.config.max_chars
    base = "參與式預算" * (limit // 5 + 2)
    real_nlp.understand(base + "甲")
    hits = real_nlp.cache_info()[0]
    real_nlp.understand(base + "乙")  # differs only past the limit: read the same
    assert real_nlp.cache_info()[0] == hits + 1


def test_a_text_with_contact_details_is_never_kept(real_nlp: Understander) -> None:
    for text in ("我的電話是 0912-345-678 可以幫我報名嗎", "請回信到 resident@example.com"):
        before = real_nlp.cache_info()
        assert real_nlp.understand(text) == real_nlp.understand_fresh(text)
        real_nlp.understand(text)
        assert real_nlp.cache_info() == before  # neither looked up nor stored
    hits = real_nlp.cache_info()[0]
    real_nlp.understand("2024 年的 i-Voting 結果")  # a year is not a contact: cached as usual
    real_nlp.understand("2024 年的 i-Voting 結果")
    assert real_nlp.cache_info()[0] == hits + 1
