"""The on-disk caches of a fresh process: the built understander (bot/nlp/diskcache.py) and
jieba's table read by first character (bot/nlp/jieba_shards.py). What they give equals what a
build gives; a content or code change is never answered from an older file."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import jieba
import pytest

from bot.nlp import diskcache, jieba_shards
from bot.nlp.understander import Understander, Understanding
from tests.nlp.conftest import CONTENT
from tests.nlp.questions import load

QUESTIONS = [q.q for q in load()][::7]


@pytest.fixture()
def content(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    return copy


def test_a_cached_understander_answers_as_a_built_one(content: Path, tmp_path: Path,
                                                      real_nlp: Understander,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    first = diskcache.load_understander(content, cache)
    assert len(list(cache.glob("understander-*.pickle"))) == 1

    def no_build(_: Path) -> Understander:
        raise AssertionError("built again although the cache holds this content")
    monkeypatch.setattr(Understander, "from_content", no_build)
    again = diskcache.load_understander(content, cache)
    assert again is not first
    for text in QUESTIONS:
        assert _same(again.understand(text), real_nlp.understand_fresh(text)), text
    assert again.cache_info() == (0, len(set(QUESTIONS)))


def _same(a: Understanding, b: Understanding) -> bool:
    """Equal, but for the last digit of a score: sets read back from the file iterate in
    another order than the built ones (as in any other process), so float sums may differ in
    the last place; what is answered, and which entries, is the same."""
    if [m.faq_id for m in a.matches] != [m.faq_id for m in b.matches]:
        return False
    close = all(abs(m.score - n.score) <= 2e-4
                for m, n in zip(a.matches, b.matches, strict=True))
    return close and replace(a, matches=()) == replace(b, matches=())


def test_a_content_change_rebuilds_and_drops_the_stale_file(content: Path,
                                                            tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    diskcache.load_understander(content, cache)
    old = next(cache.glob("understander-*.pickle"))
    faq = content / "faq" / "pb.yaml"
    faq.write_text(faq.read_text(encoding="utf-8").replace(
        "- id: pb-what", "- id: pb-what-renamed", 1), encoding="utf-8")
    made = diskcache.load_understander(content, cache)
    assert "pb-what-renamed" in {e.id for e in made.entries}
    assert [p.name for p in cache.glob("understander-*.pickle")] != [old.name]
    assert not old.exists()


def test_a_code_change_changes_the_key(content: Path, monkeypatch: pytest.MonkeyPatch,
                                       tmp_path: Path) -> None:
    before = diskcache.content_key(content)
    code = tmp_path / "code"
    code.mkdir()
    (code / "x.py").write_text("A = 1\n")
    monkeypatch.setattr(diskcache, "CODE", (code,))
    changed = diskcache.content_key(content)
    (code / "x.py").write_text("A = 2\n")
    assert len({before, changed, diskcache.content_key(content)}) == 3


def test_an_unreadable_file_is_rebuilt(content: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    path = cache / f"understander-{diskcache.content_key(content)}.pickle"
    path.write_bytes(b"not a pickle")
    made = diskcache.load_understander(content, cache)
    assert made.understand("參與式預算是什麼").intent == "faq"
    assert path.read_bytes() != b"not a pickle"


def test_sharded_table_segments_as_the_full_one(tmp_path: Path) -> None:
    full = jieba.Tokenizer()
    full.initialize()
    for word in ("住民大會", "逕予執行", "官學聯盟"):
        full.add_word(word, 50)
    path = tmp_path / "jieba-test.freq"
    jieba_shards.write(path, full.FREQ, full.total, {})
    lazy = jieba.Tokenizer()
    assert jieba_shards.install(path, lazy)
    assert isinstance(lazy.FREQ, jieba_shards.ShardedFreq)
    assert lazy.total == full.total
    for text in [*QUESTIONS, "提案審議工作坊之後呢", "逕予執行是什麼"]:
        assert lazy.lcut(text) == full.lcut(text)
    assert 0 < lazy.FREQ.loaded() < 1000   # only the parts these texts start words with
    path.unlink()   # another process stored a newer table and removed this one
    before = lazy.FREQ.loaded()
    assert lazy.lcut("龜兔賽跑鬱金香") == full.lcut("龜兔賽跑鬱金香")
    assert lazy.FREQ.loaded() > before   # parts read after the file's name was gone


def test_a_broken_table_is_not_installed(tmp_path: Path) -> None:
    path = tmp_path / "jieba-broken.freq"
    path.write_bytes(b"\x01")
    assert not jieba_shards.install(path, jieba.Tokenizer())
    assert not jieba_shards.install(tmp_path / "missing.freq", jieba.Tokenizer())
