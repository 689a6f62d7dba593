"""The core stays platform-neutral: no platform SDK imports outside bot/adapters."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"
NEUTRAL = ["core", "handlers", "nlp", "storage", "richmenu", "delivery", "broadcasts", "ivoting",
           "events", "tickets"]
PLATFORM_PACKAGES = ("linebot", "telegram")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", NEUTRAL)
def test_neutral_packages_import_no_platform_sdk(package: str) -> None:
    files = list((BOT / package).rglob("*.py"))
    assert files, f"bot/{package} has no modules"
    offenders = [
        f"{f.relative_to(BOT)}: {name}"
        for f in files for name in _imports(f)
        if name.split(".")[0] in PLATFORM_PACKAGES
    ]
    assert offenders == []


def test_the_check_catches_an_sdk_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from linebot.v3.messaging import TextMessage\nimport telegram\n")
    assert {"linebot.v3.messaging", "telegram"} <= _imports(bad)
