"""Unanswered questions grouped as `run.py faq-report` and the staff console's figures show
them: a suggestion the resident then picked counts as answered; similar texts cluster."""

from __future__ import annotations

from collections import Counter

from bot.nlp.normalize import normalize


def settle(rows: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], int]:
    """(rows still unanswered, questions answered through a suggestion): each `picked` row
    cancels one `suggested` row of the same text."""
    picks = Counter(text for text, reason in rows if reason == "picked")
    answered = 0
    open_rows = []
    for text, reason in rows:
        if reason == "picked":
            continue
        if reason == "suggested" and picks[text] > 0:
            picks[text] -= 1
            answered += 1
            continue
        open_rows.append((text, reason))
    return open_rows, answered


def cluster(texts: list[str], threshold: float = 0.5) -> list[tuple[int, str, list[str]]]:
    """Greedy clustering by character-bigram Jaccard similarity of normalised text."""
    groups: list[tuple[set[str], Counter[str]]] = []
    for text in texts:
        grams = _bigrams(normalize(text))
        for gset, members in groups:
            if grams and len(grams & gset) / len(grams | gset) >= threshold:
                members[text] += 1
                break
        else:
            groups.append((grams, Counter({text: 1})))
    result = []
    for _, members in groups:
        ranked = [t for t, _ in members.most_common()]
        result.append((sum(members.values()), ranked[0], ranked[1:]))
    return sorted(result, key=lambda r: -r[0])


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} or ({text} if text else set())
