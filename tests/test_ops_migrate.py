"""`run.py migrate --check` for deploy scripts; many processes migrating at once (PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


async def _run(db_url: str, *args: str) -> tuple[int, str]:
    env = {**os.environ, "DATABASE_URL": db_url}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "run.py", "migrate", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await proc.communicate()
    return int(proc.returncode or 0), out.decode()


async def test_check_is_nonzero_while_migrations_are_pending(db_url: str) -> None:
    code, out = await _run(db_url, "--check")
    assert code == 1 and "pending" in out and "0001_initial" in out
    # Several processes at once (systemd starts N instances): each waits for the lock.
    results = await asyncio.gather(*(_run(db_url) for _ in range(3 if "postgres" in db_url
                                                                  else 1)))
    assert all(code == 0 for code, _ in results), results
    code, out = await _run(db_url, "--check")
    assert code == 0 and "no migrations pending" in out
