"""`run.py check-content` for events: the event files, the filter words, the UI keys."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.common.content import Content
from bot.events.filters import DATE_WORDS, KIND_WORDS
from bot.events.spec import KINDS, load_file
from bot.proposals.spec import ProposalSpec

NEEDED = ("events.weekdays", "events.date", "menu.events", "menu.myevents",
          *(f"events.kind.{k}" for k in KINDS))


def check_events(content_dir: Path, content: Content, spec: ProposalSpec) -> list[str]:
    """Every problem in content/events/*.yaml, event-filters.yaml and the events UI keys."""
    districts = [d.id for d in spec.districts]
    errors: list[str] = []
    seen: dict[str, str] = {}
    for path in sorted((content_dir / "events").glob("*.yaml")):
        specs, problems = load_file(path, districts)
        errors += [f"events/{p}" for p in problems]
        for s in specs:
            if s.id in seen:
                errors.append(f"events/{path.name} event {s.id}: id also in {seen[s.id]}")
            seen.setdefault(s.id, path.name)
    errors += check_filter_words(content_dir / "event-filters.yaml")
    errors += [f"ui-events.yaml: key {k} missing" for k in NEEDED if k not in content.strings]
    weekdays = content.strings.get("events.weekdays", {})
    errors += [f"ui-events.yaml events.weekdays.{lang}: 7 names separated by commas"
               for lang, text in weekdays.items() if len(text.split(",")) != 7]
    return errors


def check_filter_words(path: Path) -> list[str]:
    """The kind and date words: known groups, each with words, no word in two groups."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        return [f"{path.name}: cannot read: {exc}"]
    if not isinstance(raw, dict):
        return [f"{path.name}: expected a mapping with kinds and dates"]
    errors: list[str] = []
    owner: dict[str, str] = {}
    for section, names in (("kinds", KIND_WORDS), ("dates", DATE_WORDS)):
        groups = raw.get(section)
        if not isinstance(groups, dict):
            errors.append(f"{path.name}: {section} missing")
            continue
        errors += [f"{path.name} {section}: unknown group {g}" for g in groups if g not in names]
        for group, words in groups.items():
            if not isinstance(words, list) or not words:
                errors.append(f"{path.name} {section}.{group}: a list of words needed")
                continue
            for word in map(str, words):
                if word in owner and owner[word] != group:
                    errors.append(f"{path.name}: {word!r} is in {owner[word]} and {group}")
                owner[word] = group
    return errors
