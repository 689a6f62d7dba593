"""Run `run.py ARGS` with a count of SQL round trips (bench/webhook.py uses it).

Usage: python bench/counted.py COUNT_FILE run.py serve

Counts each call into the database driver: on PostgreSQL every asyncpg request that goes to
the server (queries, BEGIN/COMMIT, a pool's reset query); on SQLite every aiosqlite call that
hops to its thread (statements, commits). A thread writes the running total to COUNT_FILE
every 0.1 s, so the benchmark can take the difference over its load.
"""

from __future__ import annotations

import functools
import os
import runpy
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

COUNT = [0]
TOP: Counter[str] | None = Counter() if os.environ.get("BENCH_SQL_TOP") else None


def _counting(cls: Any, name: str) -> None:
    original = getattr(cls, name)

    @functools.wraps(original)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        COUNT[0] += 1
        if TOP is not None:  # which statements: BENCH_SQL_TOP=1 writes COUNT_FILE.top
            TOP[_statement(args)] += 1
        return await original(*args, **kwargs)

    setattr(cls, name, wrapper)


def _statement(args: tuple[Any, ...]) -> str:
    for arg in args[1:]:
        if isinstance(arg, str):
            return " ".join(arg.split())[:90]
    return getattr(args[1], "__name__", "?") if len(args) > 1 else "?"


def install() -> None:
    """Wrap the drivers' request methods."""
    import aiosqlite
    import asyncpg

    _counting(aiosqlite.Connection, "_execute")
    for name in ("execute", "executemany", "fetch", "fetchrow", "fetchval"):
        _counting(asyncpg.connection.Connection, name)


def _writer(path: Path) -> None:
    while True:
        path.write_text(str(COUNT[0]))
        if TOP is not None:
            path.with_suffix(".top").write_text(
                "\n".join(f"{n:7d} {sql}" for sql, n in TOP.most_common(40)))
        time.sleep(0.1)


if __name__ == "__main__":
    install()
    threading.Thread(target=_writer, args=(Path(sys.argv[1]),), daemon=True).start()
    sys.argv = sys.argv[2:]
    sys.path.insert(0, str(Path(sys.argv[0]).resolve().parent))  # the script's imports
    profile = os.environ.get("BENCH_PROFILE")  # a file: cProfile stats of the whole run
    if not profile:
        runpy.run_path(sys.argv[0], run_name="__main__")
    else:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        try:
            runpy.run_path(sys.argv[0], run_name="__main__")
        finally:
            profiler.disable()
            profiler.dump_stats(profile)
