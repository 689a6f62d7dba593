"""Writing office exports to a file (shared by the proposal and attendee exports)."""

from __future__ import annotations

from pathlib import Path


def write_export(path: str, text: str, fmt: str) -> str | None:
    """Write an export; None when written, else the problem in one line.

    CSV gets a BOM so Excel reads it as UTF-8 (Chinese otherwise shows as mojibake)."""
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    try:
        Path(path).write_text(text, encoding=encoding, newline="")
    except OSError as exc:
        return f"cannot write {path}: {exc.strerror or exc}"
    return None
