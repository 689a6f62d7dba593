"""The proposal wizard's spec from content/propose.yaml: districts, categories, steps, statuses."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.common.content import ContentError

KINDS = ("text", "district", "category", "money", "consent", "phone")


@dataclass(frozen=True)
class Step:
    """One question of the wizard."""

    field: str
    kind: str
    min: int = 0
    max: int = 0
    optional: bool = False
    needs: str = ""


@dataclass(frozen=True)
class Option:
    """A button value: a district or a category."""

    id: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        """The label in lang (English only when asked for)."""
        return self.en if lang == "en" and self.en else self.zh


@dataclass(frozen=True)
class PastProposal:
    """A proposal from the district's records (content), for the similar-proposal check."""

    title: str
    district: str
    year: int
    summary: str
    url: str = ""


@dataclass(frozen=True)
class ProposalSpec:
    """Everything the wizard and the review need to know, from content."""

    districts: tuple[Option, ...]
    categories: tuple[Option, ...]
    steps: tuple[Step, ...]
    statuses: dict[str, tuple[str, ...]]
    notes_required: frozenset[str]
    similar: dict[str, float] = field(default_factory=dict)
    past: tuple[PastProposal, ...] = ()
    words: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, content_dir: Path) -> ProposalSpec:
        """Read content_dir/propose.yaml."""
        try:
            return cls._from_raw(yaml.safe_load((content_dir / "propose.yaml").read_text("utf-8")))
        except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
            raise ContentError(f"propose.yaml: {type(exc).__name__}: {exc}") from None

    @classmethod
    def _from_raw(cls, raw: dict[str, Any]) -> ProposalSpec:
        districts = tuple(Option(d["name"], d["name"], d.get("en", ""),
                                 tuple(d.get("aliases", ()))) for d in raw["districts"])
        categories = tuple(Option(c["id"], c["zh"], c.get("en", "")) for c in raw["categories"])
        return cls(
            districts=districts, categories=categories,
            steps=tuple(Step(**s) for s in raw["steps"]),
            statuses={k: tuple(v.get("next", ())) for k, v in raw["statuses"].items()},
            notes_required=frozenset(raw.get("notes_required", ())),
            similar={k: float(v) for k, v in raw.get("similar", {}).items()},
            past=tuple(PastProposal(**p) for p in raw.get("past") or ()),
            words={k: frozenset(_squash(_text(w)) for w in v)
                   for k, v in raw.get("words", {}).items()},
        )

    def word_is(self, kind: str, text: str) -> bool:
        """True when text is one of the words for kind (back, skip, yes, no)."""
        return _squash(text) in self.words.get(kind, frozenset())

    def step(self, name: str) -> Step:
        """The step for a field name; KeyError when there is none."""
        for step in self.steps:
            if step.field == name:
                return step
        raise KeyError(name)

    def has(self, name: str) -> bool:
        """True when name is a step's field."""
        return any(s.field == name for s in self.steps)

    def options(self, step: Step) -> tuple[Option, ...]:
        """The button values of a choice step (none for free text)."""
        return {"district": self.districts, "category": self.categories}.get(step.kind, ())

    def asked(self, answers: dict[str, Any]) -> tuple[Step, ...]:
        """The steps that apply to these answers (contact details only with consent)."""
        return tuple(s for s in self.steps if not s.needs or answers.get(s.needs) is True)

    def main_steps(self) -> tuple[Step, ...]:
        """The steps everyone is asked (not the ones that follow a consent)."""
        return tuple(s for s in self.steps if not s.needs)

    def follow_ups(self, consent: str) -> tuple[Step, ...]:
        """The steps asked only when the consent step `consent` was answered yes."""
        return tuple(s for s in self.steps if s.needs == consent)

    def step_after(self, name: str, answers: dict[str, Any]) -> Step | None:
        """The applicable step that comes after name, in order (None after the last)."""
        asked = self.asked(answers)
        names = [s.field for s in asked]
        if name not in names:
            return self.first_missing(answers)
        at = names.index(name) + 1
        return asked[at] if at < len(asked) else None

    def first_missing(self, answers: dict[str, Any]) -> Step | None:
        """The first applicable step not answered yet (optional steps count when skipped)."""
        return next((s for s in self.asked(answers) if s.field not in answers), None)

    def can_move(self, old: str, new: str) -> bool:
        """True when staff may move a proposal from status old to new."""
        return new in self.statuses.get(old, ())

    def category_label(self, cat_id: str, lang: str = "zh-TW") -> str:
        """A category id's label ('' for an unknown id)."""
        return next((c.label(lang) for c in self.categories if c.id == cat_id), "")


def _squash(text: str) -> str:
    return "".join(str(text).lower().split())


def _text(value: object) -> str:
    # A bare yes/no/on/off in YAML arrives as a bool: refuse it rather than match "true".
    if not isinstance(value, str):
        raise TypeError(f"word {value!r} must be quoted text")
    return value
