"""What the office CLIs share: their one-line error, and writing an export to stdout or a file."""

from __future__ import annotations

import sys
from pathlib import Path


class CliError(Exception):
    """Bad input or a bad argument: printed as one line, exit code 2."""


def write_export(path: str, text: str | bytes, fmt: str) -> str | None:
    """Write an export; None when written, else the problem in one line.

    CSV gets a BOM so Excel reads it as UTF-8 (Chinese otherwise shows as mojibake)."""
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    try:
        if isinstance(text, bytes):
            Path(path).write_bytes(text)
        else:
            Path(path).write_text(text, encoding=encoding, newline="")
    except OSError as exc:
        return f"cannot write {path}: {exc.strerror or exc}"
    return None


def emit_export(output: str | None, text: str | bytes, fmt: str, what: str) -> int:
    """Print the export, or write it to output and say how many `what` it holds (e.g. "3
    attendee(s)"); exit code 0, CliError when the file cannot be written. An Excel file
    (bytes) needs --output."""
    if isinstance(text, bytes) and not output:
        raise CliError(f"--format {fmt} writes a file: add --output NAME.{fmt}")
    if not output:
        assert isinstance(text, str)
        sys.stdout.write(text)
        return 0
    problem = write_export(output, text, fmt)
    if problem:
        raise CliError(problem)
    print(f"wrote {what} to {output}", file=sys.stderr)
    return 0
