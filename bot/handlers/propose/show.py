"""How a proposal reads: field values for people, the preview card, status names."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.core.buttons import choice
from bot.core.types import Card, Context, Reply, Turn
from bot.handlers.deps import Deps

PREVIEW_ACTION = "propose.preview"  # the preview's choices: submit, edit, later


def display(deps: Deps, name: str, answers: dict[str, Any], lang: str) -> str:
    """One answer as a person reads it (「未填」 for a skipped or missing one)."""
    value = answers.get(name)
    t = deps.content.t
    if value is None or value == "":
        return t("propose.value.none", lang)
    if name == "category":
        return deps.spec.category_label(str(value), lang) or str(value)
    if name == "cost" and isinstance(value, int):
        return t("propose.value.money", lang, amount=f"{value:,}")
    if name == "contact":
        return t("propose.value.contact_yes" if value else "propose.value.contact_no", lang)
    return str(value)


def rows(deps: Deps, answers: dict[str, Any], lang: str) -> tuple[tuple[str, str], ...]:
    """Every applicable field as (label, value), in step order."""
    return tuple((deps.content.t(f"propose.field.{step.field}", lang),
                  display(deps, step.field, answers, lang))
                 for step in deps.spec.asked(answers))


def summary(deps: Deps, answers: dict[str, Any], lang: str) -> str:
    """Every applicable field as 「label：value」 lines, in step order."""
    return "\n".join(f"{label}：{value}" for label, value in rows(deps, answers, lang))


def status_name(deps: Deps, status: str, lang: str) -> str:
    """A status as residents and staff read it."""
    return deps.content.t(f"status.{status}", lang)


def preview(ctx: Context, deps: Deps, *, lead: tuple[Reply, ...] = ()) -> Turn:
    """The whole draft as a card, with submit, edit and save-for-later buttons."""
    lang, t = ctx.locale, deps.content.t
    data = {**ctx.data, "stage": "preview", "step": "", "editing": False}
    buttons = (choice(t("propose.button.submit", lang), PREVIEW_ACTION, "submit"),
               choice(t("propose.button.edit", lang), PREVIEW_ACTION, "edit"),
               choice(t("propose.button.later", lang), PREVIEW_ACTION, "later"))
    card = Card(t("propose.preview.title", lang), "", buttons,
                fields=rows(deps, data["answers"], lang),
                footer=t("propose.preview.intro", lang))
    return Turn(replace(ctx, data=data), (*lead, card), meta={"intent": "propose"})
