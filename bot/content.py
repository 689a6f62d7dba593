"""User-visible strings from content/ui.yaml: zh-TW first, English fallback."""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.nlp.yamlfile import load_yaml

LOCALES = ("zh-TW", "en")


class ContentError(Exception):
    """Content is missing or malformed."""


@dataclass(frozen=True)
class Content:
    """All UI strings, keyed by dotted key then locale."""

    strings: dict[str, dict[str, str]]
    commands: dict[str, tuple[str, ...]]
    topics: dict[str, dict[str, str]]

    @classmethod
    def load(cls, content_dir: Path) -> Content:
        """Load ui.yaml, ui-*.yaml, commands.yaml and the FAQ topics from content_dir."""
        ui: dict[str, Any] = {}
        for path in [content_dir / "ui.yaml", *sorted(content_dir.glob("ui-*.yaml"))]:
            for key, value in read_yaml(path).items():  # one file per feature: ui-NAME.yaml
                if key in ui:
                    raise ContentError(f"{path.name}: key {key!r} defined twice")
                ui[key] = value
        cmds = read_yaml(content_dir / "commands.yaml")
        strings = {str(k): {str(lk): str(lv) for lk, lv in v.items()} for k, v in ui.items()}
        commands = {str(k): tuple(str(w).lower() for w in v) for k, v in cmds.items()}
        raw_topics = read_yaml(content_dir / "faq" / "topics.yaml")
        topics = {str(k): {str(a): str(b) for a, b in v.items()} for k, v in raw_topics.items()}
        return cls(strings=strings, commands=commands, topics=topics)

    def topic_name(self, topic: str, lang: str = "zh-TW") -> str:
        """A topic's display name in lang."""
        names = self.topics.get(topic, {})
        return names.get("en" if lang == "en" else "zh") or names.get("zh") or topic

    def t(self, key: str, lang: str = "zh-TW", /, **params: Any) -> str:
        """The string for key in lang (falling back to zh-TW), with {params} filled."""
        try:
            variants = self.strings[key]
        except KeyError:
            raise ContentError(f"missing content key {key!r}") from None
        template = variants.get(lang) or variants["zh-TW"]
        return template.format_map(params) if params else template

    def command_for(self, text: str) -> str | None:
        """The global command ('menu', 'help', 'cancel' ...) a short text names, if any."""
        word = text.strip().lower()
        for name, words in self.commands.items():
            if word in words:
                return name
        return None


def placeholders(template: str) -> set[str]:
    """The {names} a template expects."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def check_strings(content: Content) -> list[str]:
    """Errors in ui.yaml: missing zh-TW, locale placeholder mismatch, over-long strings."""
    errors = []
    for key, variants in content.strings.items():
        if "zh-TW" not in variants:
            errors.append(f"ui.yaml {key}: no zh-TW text")
            continue
        want = placeholders(variants["zh-TW"])
        for lang, text in variants.items():
            if lang not in LOCALES:
                errors.append(f"ui.yaml {key}: unknown locale {lang}")
            if placeholders(text) != want:
                errors.append(f"ui.yaml {key}.{lang}: placeholders differ from zh-TW")
            if len(text) > 4000 or "TODO" in text:
                errors.append(f"ui.yaml {key}.{lang}: too long or a placeholder left in")
    return errors


def read_yaml(path: Path) -> dict[str, Any]:
    """A content file that must hold a mapping; ContentError naming the file otherwise."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))  # libyaml: start-up time
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(f"{path}: {exc}") from None
    if not isinstance(data, dict):
        raise ContentError(f"{path}: expected a mapping")
    return data
