"""Print one part of a JSONL question set (score_faq.py's format) split once for issue 20.

Usage: .venv/bin/python bench/dev2_part.py work|hold [FILE] > part.jsonl

The split is fixed by the question texts, not by their order or by this session's results:
per (persona, intent) the items are sorted by text, shuffled with random.Random(20), and the
first half (rounded down) is `hold` (set aside, scored once at the end), the rest `work`.
FILE defaults to ../shared/eval/faq-dev2.jsonl.
"""

from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "eval" / "faq-dev2.jsonl"


def parts(lines: list[str]) -> dict[str, list[str]]:
    """Split JSONL lines into {'work': [...], 'hold': [...]}, stratified by persona and intent."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for line in lines:
        item = json.loads(line)
        groups[(item.get("persona", ""), item["intent"])].append(line)
    out: dict[str, list[str]] = {"work": [], "hold": []}
    for key in sorted(groups):
        items = sorted(groups[key])
        random.Random(20).shuffle(items)
        half = len(items) // 2
        out["hold"] += items[:half]
        out["work"] += items[half:]
    return out


def main(argv: list[str]) -> int:
    """Write the chosen part to stdout."""
    if not argv or argv[0] not in ("work", "hold"):
        print(__doc__, file=sys.stderr)
        return 2
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    sys.stdout.write("".join(ln + "\n" for ln in parts(lines)[argv[0]]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
