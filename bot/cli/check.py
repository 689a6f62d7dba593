"""`run.py check-content`: validate every content file; non-zero exit on any error."""

from __future__ import annotations

from bot.common.content import Content, ContentError, check_strings
from bot.common.settings import Settings
from bot.events.checks import check_events
from bot.handlers.menu import MAIN_MENU
from bot.ivoting.calendar import load_calendar
from bot.nlp.checks import nlp_problems, start_label_problems, validate_faq
from bot.nlp.kb import load_faq
from bot.proposals.checks import check_spec
from bot.proposals.spec import ProposalSpec
from bot.richmenu.spec import RichMenuSpec, check_richmenu

TELEGRAM_TEXT, LINE_TEXT = 4096, 5000


def run_check(settings: Settings) -> int:
    """Print each problem; return 1 when there is any."""
    errors = collect_errors(settings)
    for error in errors:
        print(f"ERROR {error}")
    entries = len(load_faq(settings.content_dir)) if not errors else 0
    counted = f", {entries} FAQ entries" if entries else ""
    print(f"check-content: {len(errors)} problem(s){counted}")
    return 1 if errors else 0


def collect_errors(settings: Settings) -> list[str]:
    """Every problem found in content/."""
    try:
        content = Content.load(settings.content_dir)
        entries = load_faq(settings.content_dir)
        spec = ProposalSpec.load(settings.content_dir)
        menu = RichMenuSpec.load(settings.content_dir)
    except (ContentError, ValueError, KeyError, TypeError, OSError) as exc:
        return [f"cannot load content: {exc}"]
    errors = check_strings(content) + check_spec(spec, content) + check_richmenu(menu)
    errors += validate_faq(entries, set(content.topics))
    errors += check_events(settings.content_dir, content, spec)
    calendar = load_calendar(settings.content_dir / "ivoting.yaml",
                             tuple(d.id for d in spec.districts))
    errors += list(calendar.problems)
    errors += [f"ivoting.yaml replaces_faq: no FAQ entry {i}" for i in calendar.replaces_faq
               if i not in {e.id for e in entries}]
    errors += nlp_problems(settings.content_dir) + start_label_problems(entries, content.strings)
    for key, _, _ in MAIN_MENU:
        if key not in content.strings:
            errors.append(f"ui.yaml: menu key {key} missing")
    for entry in entries:
        text = f"{entry.answer}\n{entry.more or ''}"
        if len(text) > TELEGRAM_TEXT:
            errors.append(f"faq {entry.id}: answer+more over Telegram's {TELEGRAM_TEXT}")
    return errors

