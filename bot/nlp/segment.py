"""Word segmentation: jieba for Chinese runs, a regex for ASCII words, domain dictionary.

Text reaching here is already normalised (Simplified, lower-case, see normalize.py). jieba is
process-global and slow to start (≈0.6 s, ≈97 MB): `init()` loads it once, quietly, using
jieba's on-disk cache, and adds the domain words of content/nlp/userdict.txt. Call it at
start-up; every function here calls it lazily as well.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

from bot.nlp import jieba_shards
from bot.nlp.jieba_shards import jieba
from bot.nlp.normalize import fold, load_synonyms

_RUN_RE = re.compile(r"[a-z0-9]+(?:[.\-][a-z0-9]+)*|[^\sa-z0-9]+")
_ASCII_RE = re.compile(r"[a-z0-9]")
_LOCK = threading.Lock()
_STATE: dict[str, bool] = {"ready": False}
_LOADED: set[Path] = set()
SUBWORD_MAX = 16 # sub-words are looked for inside words up to this length


def init(userdict: Path | None = None, cache_dir: Path | None = None) -> None:
    """Load jieba once (quietly, from its cache file) and add userdict's words once; with
    cache_dir, jieba's table with those words already added is read lazily from there
    (bot/nlp/jieba_shards.py), written there first when missing."""
    with _LOCK:
        if not _STATE["ready"]:
            jieba.setLogLevel(logging.WARNING)
            if cache_dir is not None and _from_cache(userdict, cache_dir):
                return
            jieba.initialize()
            _STATE["ready"] = True
        if userdict is not None and userdict.resolve() not in _LOADED:
            for word, freq, tag in read_userdict(userdict):
                jieba.add_word(word, freq, tag)
            _LOADED.add(userdict.resolve())
            subwords.cache_clear()


def _from_cache(userdict: Path | None, cache_dir: Path) -> bool:
    """jieba's table (userdict's words added) from cache_dir, stored there first if missing."""
    added = read_userdict(userdict) if userdict is not None else []
    path = cache_dir / f"jieba-{jieba_shards.cache_key(added)}.freq"
    if not jieba_shards.install(path):
        jieba.initialize()
        for word, freq, tag in added:
            jieba.add_word(word, freq, tag)
        try:
            jieba_shards.write(path, jieba.dt.FREQ, jieba.dt.total, jieba.dt.user_word_tag_tab)
            jieba_shards.remove_others(cache_dir, path)
        except OSError:  # a read-only place: this process keeps its full table
            pass
    _STATE["ready"] = True
    if userdict is not None:
        _LOADED.add(userdict.resolve())
    subwords.cache_clear()
    return True


def read_userdict(path: Path) -> list[tuple[str, int | None, str | None]]:
    """(word, freq, tag) per line of a jieba user dictionary; '#' starts a comment line."""
    entries: list[tuple[str, int | None, str | None]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        word = fold(parts[0])
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        entries.append((word, freq, tag))
    return entries


def read_wordlist(path: Path) -> frozenset[str]:
    """A folded word set from a one-word-a-line file ('#' comments)."""
    words = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(fold(w) for w in words if w and not w.startswith("#"))


def words(text: str) -> list[str]:
    """Every word of normalised text in order: jieba for Chinese, whole ASCII words."""
    init()
    out: list[str] = []
    for run in _RUN_RE.findall(text):
        if _ASCII_RE.match(run):
            out.append(run)
        else:
            out += [w for w in jieba.lcut(run) if w.strip()]
    return out


@functools.lru_cache(maxsize=8192)
def subwords(word: str) -> tuple[str, ...]:
    """The parts of a longer Chinese word: jieba's best segmentation of it when the word
    itself is not allowed, then the parts of those parts (參與式預算 -> 參與, 預算;
    提案審議工作坊 -> 提案, 審議工作坊, 審議, 工作坊); single characters are left out."""
    if len(word) < 3 or len(word) > SUBWORD_MAX or _ASCII_RE.match(word):
        return ()
    init()
    dag = jieba.dt.get_DAG(word)
    last = len(word) - 1
    dag[0] = [end for end in dag[0] if end != last] or [0]
    route: dict[int, tuple[float, int]] = {}
    jieba.dt.calc(word, dag, route)
    parts, start = [], 0
    while start <= last:
        end = route[start][1] + 1
        parts.append(word[start:end])
        start = end
    found = [p for p in parts if len(p) > 1]
    return tuple(found + [inner for p in found for inner in subwords(p)])


def stem(word: str) -> str:
    """A light English stem: plural -s only (proposals -> proposal)."""
    if len(word) > 3 and word.isalpha() and word.endswith("s") and not word.endswith("ss"):
        return word[:-3] + "y" if word.endswith("ies") else word[:-1]
    return word


class Segmenter:
    """Content words of normalised text: stopwords dropped, English stemmed."""

    def __init__(self, stopwords: Iterable[str] = (), userdict: Path | None = None,
                 synonyms: Mapping[str, str] | None = None) -> None:
        self.stopwords = frozenset(stopwords)
        self.synonyms = dict(synonyms or {})
        self.userdict = userdict
        init(userdict)

    @classmethod
    def from_dir(cls, nlp_dir: Path) -> Segmenter:
        """With content/nlp/stopwords.txt, userdict.txt and synonyms.yaml's `words`."""
        stop, user = nlp_dir / "stopwords.txt", nlp_dir / "userdict.txt"
        return cls(read_wordlist(stop) if stop.exists() else (),
                   user if user.exists() else None,
                   load_synonyms(nlp_dir / "synonyms.yaml")[1])

    def content_words(self, text: str) -> list[str]:
        """Words that carry meaning, in order (word synonyms applied, stopwords removed,
        English stemmed)."""
        found = (self.synonyms.get(w, w) for w in words(text))
        return [stem(w) for w in found if w not in self.stopwords]

    def terms(self, text: str) -> list[str]:
        """Index/query terms: content words plus the dictionary sub-words of long words."""
        return self.with_subwords(self.content_words(text))

    def with_subwords(self, content: list[str]) -> list[str]:
        """content words, each followed by its dictionary sub-words (stopwords left out)."""
        out: list[str] = []
        for word in content:
            out.append(word)
            out += [s for s in subwords(word) if s not in self.stopwords]
        return out
