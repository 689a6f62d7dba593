"""Sentence retrieval over the seed texts (content/seeds/): the safety net below the FAQ.

At start-up each seed text is cut into sentences, each remembering the headings above it
(「參與式預算」, 「參、執行計畫 / 一、智慧生態社區系列活動」), and indexed like FAQ entries
(bot/nlp/index.py: the sentence is the phrasing, its headings the tags, its paragraph the text).
A question no entry answers well enough, but a sentence does, gets that sentence (and the next
best when it is as good and short enough) with its source: 「根據《臺北市自願檢視報告》：…」.

Layout rules (the seeds are plain text): blank lines separate blocks; a line starting with a
list marker (「- 」「壹、」「一、」「(一)」「1.」) starts a new item, any other line continues the
previous one (a sentence broken across lines); a short item without a full stop is a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.common.yamlfile import read_yaml
from bot.nlp.analyse import Analyser, Query
from bot.nlp.index import FieldIndex, Hit, Item, Weights

HEADING_MAX = 40            # characters; longer items are text even without a full stop
SHORT_SENTENCE = 30         # shorter sentences are shown after their heading
_BULLET_RE = re.compile(r"^\s*-\s*")
_MARKER_RE = re.compile(r"^\s*(?:[壹貳參肆伍陸柒捌玖拾]、|[一二三四五六七八九十]+、"
                        r"|[(（][一二三四五六七八九十]+[)）]|\d+\.(?!\d))\s*")
_CJK_SPACE_RE = re.compile(r"(?<=[0-9\u3400-\u9fff（）])\s+(?=[\u3400-\u9fff（）])"
                           r"|(?<=[\u3400-\u9fff（）])\s+(?=[0-9])")
_LABEL_RE = re.compile(r"^[^，。：:]{1,6}[：:]")
_SENTENCE_RE = re.compile(r"[^。！？；;!?]+[。！？；;!?]?")
_LEVELS = (("壹貳參肆伍陸柒捌玖拾", 1), ("一二三四五六七八九十", 2), ("(（", 3), ("0123456789", 4))


@dataclass(frozen=True)
class Passage:
    """One sentence of a seed text and where it comes from."""

    key: str          # seed:DOC:N, stable while the seed text is unchanged
    doc: str          # the document's title, as cited
    year: int | str
    headings: tuple[str, ...]
    text: str         # the sentence as written in the seed
    lead: str = ""    # what to put before it when quoted alone (its list headings)

    @property
    def shown(self) -> str:
        """The sentence as quoted: a short or labelled one («經費：…») after its headings."""
        text = tidy(self.text)
        labelled = bool(_LABEL_RE.match(text))
        if self.lead and (labelled or len(text) < SHORT_SENTENCE):
            return f"{self.lead}：{text}"
        return text


def tidy(text: str) -> str:
    """Seed text as Taiwanese text is written: full-width commas and brackets between Chinese,
    no spaces between digits and Chinese (「2003 年」 -> 「2003年」)."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s*,\s*(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s*,\s*", "，", text)
    text = re.sub(r"\s*;\s*", "；", text)
    text = re.sub(r"\(\s*(?=[^\x00-\x7f])", "（", text)
    text = re.sub(r"(?<=[^\x00-\x7f])\s*\)", "）", text)
    return _CJK_SPACE_RE.sub("", text)


def load_passages(seeds_dir: Path) -> list[Passage]:
    """Every sentence of every seed text listed in seeds_dir/sources.yaml, in order."""
    sources = read_sources(seeds_dir)
    passages: list[Passage] = []
    for name, source in sources.items():
        text = (seeds_dir / name).read_text(encoding="utf-8")
        for number, (stack, sentence) in enumerate(sentences(text)):
            headings = tuple(h for _, h in stack)
            listed = [h for level, h in stack if level >= 2] or list(headings[-1:])
            passages.append(Passage(f"seed:{source['key']}:{number}", str(source["doc"]),
                                    source.get("year", ""), headings, sentence,
                                    "／".join(listed)))
    return passages


def read_sources(seeds_dir: Path) -> dict[str, dict[str, str | int]]:
    """seeds_dir/sources.yaml: {file name: {key, doc, year}} ({} when there is none)."""
    path = seeds_dir / "sources.yaml"
    if not path.exists():
        return {}
    raw = read_yaml(path) or {}
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise ValueError(f"{path}: expected {{file: {{key: ..., doc: ..., year: ...}}}}")
    return {str(k): {str(a): b for a, b in v.items()} for k, v in raw.items()}


def sentences(text: str) -> list[tuple[tuple[tuple[int, str], ...], str]]:
    """((level, heading) above, sentence) for every sentence of a seed text; level 0 for an
    unmarked heading, 1 for 壹、, 2 for 一、, 3 for (一), 4 for 1."""
    out: list[tuple[tuple[tuple[int, str], ...], str]] = []
    stack: list[tuple[int, str]] = []
    items = _items(text)
    for position, item in enumerate(items):
        following = items[position + 1] if position + 1 < len(items) else ""
        if _is_heading(item, following):
            level = _level(item)
            stack = [(lv, h) for lv, h in stack if lv < level] + [(level, _plain(item))]
            continue
        out += [(tuple(stack), s.strip()) for s in _SENTENCE_RE.findall(_plain(item))
                if s.strip()]
    return out


def _items(text: str) -> list[str]:
    items: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        for line in block.splitlines():
            if not line.strip():
                continue
            if items and not _starts_item(line) and not items[-1].endswith("\n"):
                items[-1] += line.strip()
            else:
                items.append(line.strip())
        if items:
            items[-1] += "\n"  # a block ends its last item
    return [i.strip() for i in items]


def _starts_item(line: str) -> bool:
    return bool(_BULLET_RE.match(line) or _MARKER_RE.match(line))


def _is_heading(item: str, following: str) -> bool:
    ends = item.rstrip().endswith(("。", "！", "？"))
    return not ends and len(item) <= HEADING_MAX and bool(following)


def _level(item: str) -> int:
    plain = _BULLET_RE.sub("", item)
    if _MARKER_RE.match(plain):
        for chars, level in _LEVELS:
            if plain[0] in chars:
                return level
    return 0


def _plain(item: str) -> str:
    """An item without its bullet and list marker, trailing colon dropped."""
    return _MARKER_RE.sub("", _BULLET_RE.sub("", item)).strip().rstrip("：:")


class PassageIndex:
    """The seed sentences, indexed; `search` returns the best sentences for a query."""

    def __init__(self, passages: list[Passage], analyser: Analyser) -> None:
        self.passages = passages
        items = [Item((p.text,), p.headings, _context(passages, n))
                 for n, p in enumerate(passages)]
        self.index = FieldIndex(analyser, items)

    def search(self, query: Query, weights: Weights, limit: int = 3) -> list[Hit]:
        """The best sentences, best first."""
        return self.index.search(query, weights, limit)


def _context(passages: list[Passage], n: int) -> tuple[str, ...]:
    """The sentences next to sentence n under the same headings (its paragraph, roughly)."""
    here = passages[n]
    return tuple(p.text for p in passages[max(0, n - 1):n + 2]
                 if p is not here and p.headings == here.headings)
