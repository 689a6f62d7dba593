"""Typing slips in Chinese: one wrong character in a known word of three or more characters.

Residents type by sound, so a slip is usually a homophone (住名大會 for 住民大會, 官學連盟 for
官學聯盟, 購想書 for 構想書). A span of the message that is one character away from exactly one
word of the bot's vocabulary is corrected to it, but only when the differing character is not
part of a real word where it stands (社區大樓 keeps 大樓, a dictionary word, and is never read
as 社區大學; 里民大會 keeps 里民) and is no particle (是什麼 is never read as 為什麼); in a
three-character word only the middle character may be the slip. Two-character slips stay
data (content/nlp/synonyms.yaml): too many real words are one character away from each other.
"""

from __future__ import annotations

import re
from collections import defaultdict

from bot.nlp import segment
from bot.nlp.jieba_shards import jieba

MIN_LEN, MAX_LEN = 3, 6    # lengths of the vocabulary words a slip is corrected to
MAX_FIXES = 2              # per message: a message full of slips is not ours to guess
GAP = "\0"
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")


class SlipFixer:
    """Corrects one-character slips of known words (see the module docstring)."""

    def __init__(self, stopwords: frozenset[str] = frozenset()) -> None:
        self.stopwords = stopwords
        self.vocabulary: set[str] = set()
        self._gaps: dict[str, set[str]] = defaultdict(set)
        # per length, the first two, last two, and first and last characters of those words:
        # a window one character off a word shares one of them with it (a quick first test)
        self._edges: dict[int, set[str]] = defaultdict(set)

    def learn(self, word: str) -> None:
        """Index a vocabulary word: each of its characters replaced by a gap."""
        self.vocabulary.add(word)
        if MIN_LEN <= len(word) <= MAX_LEN and _CJK.match(word) and not self._filler(word):
            for i in range(len(word)):
                self._gaps[word[:i] + GAP + word[i + 1:]].add(word)
            self._edges[len(word)].update((word[:2], word[-2:], word[0] + word[-1]))

    def _filler(self, word: str) -> bool:
        """Whether word holds a filler word (為什麼 holds 什麼): 寫什麼 is no slip of it."""
        return any(word[i:j] in self.stopwords
                   for i in range(len(word)) for j in range(i + 2, len(word) + 1))

    def fix(self, text: str) -> str:
        """text with at most MAX_FIXES slips corrected."""
        for _ in range(MAX_FIXES):
            found = self._first(text)
            if found is None:
                break
            start, word = found
            text = text[:start] + word + text[start + len(word):]
        return text

    def _first(self, text: str) -> tuple[int, str] | None:
        if not self._gaps or len(text) < MIN_LEN:
            return None
        free: list[bool] = []   # segmenting is the dear part: only when a window may be a slip
        pairs = [text[i:i + 2] for i in range(len(text) - 1)]
        for length in range(MAX_LEN, MIN_LEN - 1, -1):
            edges = self._edges.get(length, set())
            for start in range(len(text) - length + 1):
                end = start + length
                if (pairs[start] not in edges and pairs[end - 2] not in edges
                        and text[start] + text[end - 1] not in edges):
                    continue
                window = text[start:end]
                if window in self.vocabulary or not _CJK.match(window):
                    continue
                found: set[str] = set()
                for i in self._slots(length):
                    words = self._gaps.get(window[:i] + GAP + window[i + 1:])
                    if words:
                        free = free or self._free(text)
                        if free[start + i]:
                            found |= words
                if len(found) == 1:
                    return start, found.pop()
        return None

    @staticmethod
    def _slots(length: int) -> range:
        """Where a slip may be: anywhere in longer words, only in the middle of 3-character
        ones (城市推 is 城市 + 推, never a slip of 城市獎; 區工所 is one of 區公所)."""
        return range(1, 2) if length == MIN_LEN else range(length)

    def _free(self, text: str) -> list[bool]:
        """Per character: whether it may be the slip, i.e. it is not part of a real word
        (a dictionary or vocabulary word of two or more characters) where it stands, and
        not a particle (a stopword)."""
        segment.init()
        free = [c not in self.stopwords for c in text]
        for word, start, end in jieba.tokenize(text):
            if end - start > 1 and (word in self.vocabulary or jieba.dt.FREQ.get(word, 0) > 0):
                free[start:end] = [False] * (end - start)
        return free
