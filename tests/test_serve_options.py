"""`run.py serve` options that only change speed: the event loop and the access log."""

from __future__ import annotations

import pytest

from bot.cli.serve import new_loop
from bot.common.settings import load_settings


def test_uvloop_is_used_when_on_and_installed() -> None:
    uvloop = pytest.importorskip("uvloop")
    loop = new_loop(True)
    try:
        assert isinstance(loop, uvloop.Loop)
    finally:
        loop.close()


def test_asyncio_loop_when_uvloop_is_off() -> None:
    loop = new_loop(False)
    try:
        assert type(loop).__module__.startswith("asyncio")
    finally:
        loop.close()


def test_defaults_favour_throughput(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ACCESS_LOG", "UVLOOP", "WORKER_BATCH"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(_env_file=None)
    assert (settings.access_log, settings.uvloop, settings.worker_batch) == (False, True, 128)
    assert load_settings(_env_file=None, access_log="true").access_log is True
