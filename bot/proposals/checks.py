"""Validation of content/propose.yaml against itself and the UI strings it needs."""

from __future__ import annotations

from bot.common.content import Content
from bot.proposals.spec import KINDS, ProposalSpec

MAX_BUTTONS = 12  # LINE shows 13 quick replies; one is 上一步


def check_spec(spec: ProposalSpec, content: Content) -> list[str]:
    """Every problem in the proposal spec: steps, options, statuses, past proposals."""
    errors = _steps(spec, content) + _statuses(spec, content)
    for kind, options in (("districts", spec.districts), ("categories", spec.categories)):
        if not 1 <= len(options) <= MAX_BUTTONS:
            errors.append(f"propose.yaml {kind}: 1 to {MAX_BUTTONS} needed for buttons")
        if len({o.id for o in options}) != len(options):
            errors.append(f"propose.yaml {kind}: duplicate ids")
    names = {d.id for d in spec.districts}
    errors += [f"propose.yaml past {p.title!r}: unknown district {p.district}"
               for p in spec.past if p.district not in names]
    errors += [f"propose.yaml words: {k} missing" for k in ("back", "skip", "keep", "yes", "no")
               if not spec.words.get(k)]
    return errors


def _steps(spec: ProposalSpec, content: Content) -> list[str]:
    errors, seen = [], set()
    for step in spec.steps:
        where = f"propose.yaml step {step.field}"
        if step.kind not in KINDS:
            errors.append(f"{where}: unknown kind {step.kind}")
        if step.needs and step.needs not in seen:
            errors.append(f"{where}: needs {step.needs}, which is not an earlier step")
        if step.kind in ("text", "money") and not 0 <= step.min <= step.max:
            errors.append(f"{where}: min/max out of order")
        seen.add(step.field)
        errors += [f"{where}: content key {key} missing" for key in
                   (f"propose.ask.{step.field}", f"propose.field.{step.field}")
                   if key not in content.strings]
    if len(seen) != len(spec.steps):
        errors.append("propose.yaml steps: a field is asked twice")
    return errors


def _statuses(spec: ProposalSpec, content: Content) -> list[str]:
    errors = []
    for status, following in spec.statuses.items():
        if f"status.{status}" not in content.strings:
            errors.append(f"propose.yaml status {status}: content key status.{status} missing")
        errors += [f"propose.yaml status {status}: next {n} is not a status"
                   for n in following if n not in spec.statuses]
    errors += [f"propose.yaml notes_required: {n} is not a status"
               for n in spec.notes_required if n not in spec.statuses]
    return errors + _staff_keys(spec, content)


def _staff_keys(spec: ProposalSpec, content: Content) -> list[str]:
    # A status staff may move to needs its button label and the resident's notice (and a
    # note prompt when a note is required), or pressing that button would fail.
    targets = {s for nexts in spec.statuses.values() for s in nexts}
    needed = [f"staff.button.{s}" for s in targets] + [f"status.{s}.resident" for s in targets]
    needed += [f"staff.ask_note.{s}" for s in spec.notes_required]
    return [f"ui-staff.yaml: key {key} missing" for key in sorted(needed)
            if key not in content.strings]
