"""jieba's word frequencies read lazily, one first character at a time, from a disk cache.

jieba loads its whole dictionary (≈500 000 words and prefixes) at start: 0.45-0.9 s of a
`run.py ask` cold start, ≈60 MB. A message only ever looks up words that start with one of its
own characters, so the table is stored once, split by first character, and a process reads
only the parts its messages need. Lookups return exactly what the full table returns: the same
words, the same prefixes, the same total, the domain dictionary already added.

The cache is keyed by jieba's version, its dictionary file and the domain dictionary's text; a
file with another key is never read (a new name is written, the old one removed).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import struct
import sys
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any


def _import_jieba() -> ModuleType:
    """jieba, imported without pkg_resources: jieba only uses it to open its own files and
    opens them directly without it, and importing it takes 0.1-0.2 s of every start."""
    if "pkg_resources" in sys.modules or "jieba" in sys.modules:
        import jieba as already
        module: ModuleType = already
        return module
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # import fails: fallback
    try:
        import jieba as loaded
    finally:
        del sys.modules["pkg_resources"]
    module = loaded
    return module


jieba = _import_jieba()

FORMAT = 1
_HEADER = struct.Struct("<Q")


class ShardedFreq:
    """jieba's FREQ table (word -> frequency, 0 for a prefix), parts read when first needed."""

    def __init__(self, path: Path, index: dict[str, tuple[int, int]], base: int) -> None:
        # kept open: another process may replace the file (new content) and remove this one,
        # and an open file stays readable after its name is gone
        self._fd = os.open(path, os.O_RDONLY)
        self._index, self._base = index, base
        self._shards: dict[str, dict[str, int]] = {}
        self._lock = threading.Lock()

    def _shard(self, key: str) -> dict[str, int]:
        first = key[:1]
        shard = self._shards.get(first)
        if shard is None:
            with self._lock:
                shard = self._shards.get(first)
                if shard is None:
                    shard = self._read(first)
                    self._shards[first] = shard
        return shard

    def _read(self, first: str) -> dict[str, int]:
        where = self._index.get(first)
        if where is None:
            return {}
        loaded: dict[str, int] = marshal.loads(os.pread(self._fd, where[1],
                                                         self._base + where[0]))
        return loaded

    def get(self, key: str, default: Any = None) -> Any:
        """As dict.get."""
        return self._shard(key).get(key, default)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._shard(key)

    def __getitem__(self, key: str) -> int:
        return self._shard(key)[key]

    def __setitem__(self, key: str, value: int) -> None:
        self._shard(key)[key] = value

    def loaded(self) -> int:
        """How many first characters' parts have been read (tests, benchmarks)."""
        return len(self._shards)


def cache_key(userdict_words: Iterable[tuple[str, int | None, str | None]]) -> str:
    """A digest of jieba's version, its dictionary file and the domain words to be added."""
    digest = hashlib.sha256(f"{FORMAT} {jieba.__version__}".encode())
    own = str(jieba.__file__ or "")
    dictionary = (Path(str(jieba.dt.dictionary)) if jieba.dt.dictionary
                  else Path(own).parent / "dict.txt")
    stat = dictionary.stat()
    digest.update(f"{dictionary} {stat.st_size} {stat.st_mtime_ns}".encode())
    for word, freq, tag in userdict_words:
        digest.update(f"\n{word} {freq} {tag}".encode())
    return digest.hexdigest()[:24]


def write(path: Path, freq: dict[str, int], total: int, tags: dict[str, str]) -> None:
    """Store a full FREQ table split by first character (atomically: temp file, rename)."""
    parts: dict[str, dict[str, int]] = {}
    for word, value in freq.items():
        parts.setdefault(word[:1], {})[word] = value
    blobs, index, offset = [], {}, 0
    for first, part in parts.items():
        blob = marshal.dumps(part)
        index[first] = (offset, len(blob))
        blobs.append(blob)
        offset += len(blob)
    header = marshal.dumps((FORMAT, total, index, tags))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".jieba-")
    with os.fdopen(fd, "wb") as f:
        f.write(_HEADER.pack(len(header)))
        f.write(header)
        for blob in blobs:
            f.write(blob)
    os.replace(tmp, path)


def install(path: Path, tokenizer: Any = None) -> bool:
    """Make a jieba tokenizer (the default one) use the stored table; False when it cannot
    be read."""
    try:
        with path.open("rb") as f:
            (size,) = _HEADER.unpack(f.read(_HEADER.size))
            fmt, total, index, tags = marshal.loads(f.read(size))
    except (OSError, EOFError, ValueError, TypeError, struct.error):
        return False
    if fmt != FORMAT:
        return False
    try:
        freq = ShardedFreq(path, index, _HEADER.size + size)
    except OSError:
        return False
    dt = tokenizer or jieba.dt
    with dt.lock:
        dt.FREQ = freq
        dt.total = total
        dt.user_word_tag_tab.update(tags)
        dt.initialized = True
    return True


def remove_others(directory: Path, keep: Path) -> None:
    """Delete older tables of this kind in directory (another key is never read again)."""
    for old in directory.glob("jieba-*.freq"):
        if old != keep:
            old.unlink(missing_ok=True)
