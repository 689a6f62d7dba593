"""The process's real log set-up (bot.logs.setup_logging), written to a buffer for a test."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator

from bot.logs import setup_logging


@contextlib.contextmanager
def captured_log(level: str = "DEBUG") -> Iterator[io.StringIO]:
    """setup_logging(level) writing to a buffer; the root logger and levels restored after."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    levels = {name: logging.getLogger(name).level for name in logging.root.manager.loggerDict}
    setup_logging(level)
    stream = io.StringIO()
    ours = root.handlers[0]
    assert isinstance(ours, logging.StreamHandler)
    ours.setStream(stream)
    try:
        yield stream
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])
        for name, level_ in levels.items():
            logging.getLogger(name).setLevel(level_)
