"""The structure holds: packages only at the top of bot/, no import circle, no module importing
from a layer above its own, platform SDKs only in bot/adapters (read from the source with ast,
imports inside functions and under TYPE_CHECKING included)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOT = ROOT / "bot"
SDKS = ("linebot", "telegram")
# Bottom to top (docs/design.md draws them); a module may import its own layer and the ones
# below; bot/core holds the ports through which a lower layer reaches an upper one. The model
# layer is the domain's rules and data shapes with the repositories that store them (storage
# implements the domain's reader ports; the domain's write side uses storage).
LAYERS = (
    ("bot.core",),
    ("bot.common",),
    ("bot.nlp",),
    ("bot.storage", "bot.events", "bot.tickets", "bot.proposals", "bot.ivoting",
     "bot.broadcasts", "bot.delivery", "bot.richmenu"),
    ("bot.handlers",),
    ("bot.adapters",),
    ("bot.runtime",),
    ("bot.cli",),
)


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(BOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def imports_of(path: Path) -> set[str]:
    """Every module a file imports (a `from pkg import mod` counts as pkg.mod when mod is one)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                names.add(full if full in MODULES else node.module)
    return names


def graph() -> dict[str, set[str]]:
    """Module -> the bot modules it imports."""
    return {name: {i for i in imports_of(path) if i in MODULES and i != name}
            for name, path in MODULES.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The import circles: strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                item = stack.pop()
                group.append(item)
                if item == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def layer_of(module: str) -> int:
    """The layer a bot module belongs to."""
    for n, packages in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in packages):
            return n
    raise AssertionError(f"{module} is in no layer: add its package to LAYERS")


def test_the_cycle_finder_finds_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circles() -> None:
    assert cycles(graph()) == []


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    upward = [f"{m} -> {i}" for m, targets in graph().items() if m != "bot"
              for i in targets if layer_of(i) > layer_of(m)]
    assert upward == []


def test_platform_sdks_only_in_the_adapters() -> None:
    outside = [f"{name}: {i}" for name, path in MODULES.items()
               if not name.startswith("bot.adapters")
               for i in imports_of(path) if i.split(".")[0] in SDKS]
    assert outside == []


def test_the_checks_see_what_they_look_for(tmp_path: Path) -> None:
    # The same reading catches an SDK in a function body and a circle through `from . import`.
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from telegram import Bot\n    import linebot.v3\n")
    assert {"telegram", "linebot.v3"} <= imports_of(sample)
    with pytest.raises(AssertionError):
        layer_of("bot.somewhere_new")


def test_the_top_of_bot_holds_packages_only() -> None:
    loose = [p.name for p in BOT.iterdir() if p.suffix == ".py" and p.name != "__init__.py"]
    assert loose == []
    packages = sorted(p.name for p in BOT.iterdir() if (p / "__init__.py").exists())
    assert {"core", "common", "runtime", "handlers", "adapters", "nlp", "storage"} <= set(packages)


def test_every_bot_import_names_something_that_exists() -> None:
    # mypy is told to ignore missing imports (for untyped libraries), so check ours here.
    missing = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot"):
                module = importlib.import_module(str(node.module))
                missing += [f"{name}: {node.module}.{a.name}" for a in node.names
                            if not hasattr(module, a.name)
                            and f"{node.module}.{a.name}" not in MODULES]
    assert missing == []
