"""YAML for content files, with libyaml's C parser when PyYAML has it (≈10x faster start-up).

A key given twice in one mapping is an error: YAML would keep the last one silently, and a
second `逕予執行:` line in synonyms.yaml once dropped the first line's typing slips that way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    """The safe loader, refusing duplicate keys."""


def _mapping(loader: Any, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)  # `<<:` merge keys, as the safe loader reads them
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return dict(loader.construct_pairs(node, deep=deep))


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load_yaml(text: str) -> Any:
    """Parse YAML text safely (yaml.YAMLError on bad syntax or a key given twice)."""
    return yaml.load(text, Loader=_Loader)


def read_yaml(path: Path) -> Any:
    """Parse a UTF-8 YAML file; None when it does not exist."""
    return load_yaml(path.read_text(encoding="utf-8")) if path.exists() else None
