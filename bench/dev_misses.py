"""List the misses of a development set: the FIT part of tests/nlp/questions.yaml or
tests/nlp/dev2.yaml (never the test part), judged as score_faq.py judges `run.py ask --json`.

Usage: .venv/bin/python bench/dev_misses.py fit|dev2 [--quiet]
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.cli.ask import answer  # noqa: E402
from bot.common.content import Content  # noqa: E402
from bot.handlers.deps import Deps  # noqa: E402
from bot.nlp.understander import Understander  # noqa: E402
from tests.nlp.questions import DEV2, judge, load, summary  # noqa: E402


async def main(which: str, quiet: bool) -> int:
    """Print each miss (question, expected, what came back) and the summary."""
    items = load("fit") if which == "fit" else load("dev", DEV2)
    content = ROOT / "content"
    deps = Deps(content=Content.load(content), nlp=Understander.from_content(content))
    verdicts = []
    for item in items:
        got = await answer(deps, item.q)
        verdict = judge(item, got)
        verdicts.append(verdict)
        if verdict != "right" and not quiet:
            print(f"{verdict:8} {item.q} | expect {item.expect} {item.has} | got "
                  f"{got['intent']}/{got['action']} {got['faq_id']} {got['score']} "
                  f"sugg={got['suggestions']} | {str(got['answer'])[:70]!r}")
    print(summary(items, verdicts))
    return 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    sys.exit(asyncio.run(main(args[0] if args else "dev2", "--quiet" in sys.argv)))
