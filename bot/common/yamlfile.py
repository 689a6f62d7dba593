"""YAML for content files, with libyaml's C parser when PyYAML has it (≈10x faster start-up)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """Parse YAML text safely (yaml.YAMLError on bad syntax)."""
    return yaml.load(text, Loader=_Loader)


def read_yaml(path: Path) -> Any:
    """Parse a UTF-8 YAML file; None when it does not exist."""
    return load_yaml(path.read_text(encoding="utf-8")) if path.exists() else None
