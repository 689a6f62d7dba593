"""A clear winner below the answer threshold (issue 20): a question whose rare terms point at one
entry, most of it held by that entry (its answer included), is answered; a question that leads
by far but is not ours (台北101幾點開) or whose terms are everyone's is not."""

from __future__ import annotations

from dataclasses import replace

from bot.nlp.understander import Understander, decide

# only the clear-winner route can answer: the model's threshold is out of reach
MODEL_OFF = {"answer_threshold": 1.01}


def _confidence(nlp: Understander, text: str, **changes: float) -> str:
    config = replace(nlp.config, **{**MODEL_OFF, **changes})
    return decide(nlp.measure(text), config, nlp).confidence


def test_a_detail_only_one_answer_holds_is_answered(real_nlp: Understander) -> None:
    for text in ("麻六甲那次高峰會是哪一年", "抵費地出售盈餘款基金是幹嘛用的", "公民咖啡館是什麼"):
        assert _confidence(real_nlp, text) == "high", text
        assert _confidence(real_nlp, text, winner_cover=1.01) != "high", text


def test_a_lead_alone_is_not_a_clear_winner(real_nlp: Understander) -> None:
    for text in ("台北101幾點開", "天氣怎麼樣", "我們里可以辦活動嗎 里長是誰", "區公所幾點下班"):
        assert _confidence(real_nlp, text) != "high", text


def test_key_share_counts_only_terms_few_entries_hold(real_nlp: Understander) -> None:
    index = real_nlp.retriever.index
    query = real_nlp.measure("臺北能源之丘是什麼").query
    assert query is not None
    top = real_nlp.understand("臺北能源之丘是什麼").matches[0].faq_id
    item = [e.id for e in real_nlp.entries].index(top)
    other = (item + 1) % len(real_nlp.entries)
    assert index.key_share(query, item, 2) > 0.3
    assert index.key_share(query, other, 2) < index.key_share(query, item, 2)
    common = real_nlp.measure("參與式預算").query
    assert common is not None
    assert index.key_share(common, item, 2) == 0.0
