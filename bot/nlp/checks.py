"""Content checks: FAQ entries (`validate_faq`) and the other NLP data."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from bot.common.personal import personal_shapes
from bot.nlp.intents import ACTIONS
from bot.nlp.kb import FaqEntry
from bot.nlp.normalize import normalize

ANSWER_MAX = 400        # design.md: "never over 400"
ANSWER_EN_MAX = 1000    # English runs ~2.5x longer than Chinese for the same content
TELEGRAM_MAX = 4096     # characters per message
LINE_MAX = 5000         # UTF-16 code units per text message
MIN_QUESTIONS = 3
FLOW_INTENTS = frozenset({"propose", "register", "ivoting", "news", "handoff"})
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PLACEHOLDER_RE = re.compile(
    r"(?<![A-Za-z])(?:TODO|FIXME|TBD|XXX)(?![A-Za-z])|\{[^{}]*\}|lorem ipsum"
    r"|待補|待填|待確認|待查|請補充|○○|「\s*(?:…+|\.{2,}|○+|[Xx]+)?\s*」|[?？]{3,}",
    re.IGNORECASE,
)
TRAILING_ELLIPSIS_RE = re.compile(r"(?:……|\.\.\.)\s*$")


def validate_faq(entries: list[FaqEntry], topics: Iterable[str]) -> list[str]:
    """Human-readable problems: schema, ids, duplicate phrasings, links, placeholders, lengths."""
    return validate_entries(entries, set(topics))


def validate_entries(entries: list[FaqEntry], topics: set[str]) -> list[str]:
    """Every problem, one line each, prefixed with the entry id and where it is."""
    errors: list[str] = []
    for entry in entries:
        errors += [_where(entry, p) for p in entry.problems]
        errors += [_where(entry, p) for p in entry_problems(entry, topics)]
    errors += duplicate_ids(entries)
    errors += duplicate_phrasings(entries)
    errors += broken_links(entries)
    return errors


def entry_problems(entry: FaqEntry, topics: set[str]) -> list[str]:
    """Problems visible in one entry on its own."""
    problems: list[str] = []
    if not ID_RE.match(entry.id):
        problems.append(f"id {entry.id!r} is not kebab-case (a-z, 0-9, hyphens)")
    if entry.topic not in topics:
        problems.append(f"unknown topic {entry.topic!r} (not in faq/topics.yaml)")
    if len([q for q in entry.questions if q]) < MIN_QUESTIONS:
        problems.append(f"only {len(entry.questions)} questions, at least {MIN_QUESTIONS}")
    if entry.questions_en and not entry.answer_en:
        problems.append("questions_en given but no answer_en")
    if not entry.source.get("doc"):
        problems.append("source has no doc")
    if entry.start is not None:
        intent, _, action = entry.start.partition("/")
        if intent not in FLOW_INTENTS or (action and action not in ACTIONS.get(intent, ())):
            problems.append(f"start {entry.start!r} is not a flow (INTENT or INTENT/ACTION, "
                            f"INTENT one of {', '.join(sorted(FLOW_INTENTS))})")
    return problems + length_problems(entry) + placeholder_problems(entry) + \
        personal_problems(entry)


def personal_problems(entry: FaqEntry) -> list[str]:
    """A resident's words never become content: a mask (〔已遮蔽〕), a phone, an e-mail, an ID
    number or a personal name with an address in any user-visible text is refused."""
    fields: list[tuple[str, str]] = [("answer", entry.answer), ("more", entry.more or ""),
                                     ("answer_en", entry.answer_en or "")]
    fields += [("questions", q) for q in entry.questions + entry.questions_en]
    return [f"{name} holds {shape} (write it in general words)"
            for name, text in fields for shape in personal_shapes(text)]


def length_problems(entry: FaqEntry) -> list[str]:
    """The answer is short; answer plus 'more' fits one LINE and one Telegram message."""
    problems: list[str] = []
    if not entry.answer:
        problems.append("empty answer")
    if len(entry.answer) > ANSWER_MAX:
        problems.append(f"answer has {len(entry.answer)} characters, at most {ANSWER_MAX}")
    if entry.answer_en and len(entry.answer_en) > ANSWER_EN_MAX:
        problems.append(f"answer_en has {len(entry.answer_en)} characters, "
                        f"at most {ANSWER_EN_MAX}")
    full = f"{entry.answer}\n\n{entry.more}" if entry.more else entry.answer
    if len(full) > TELEGRAM_MAX:
        problems.append(f"answer+more has {len(full)} characters, over Telegram's {TELEGRAM_MAX}")
    units = len(full.encode("utf-16-le")) // 2
    if units > LINE_MAX:
        problems.append(f"answer+more has {units} UTF-16 units, over LINE's {LINE_MAX}")
    return problems


def placeholder_problems(entry: FaqEntry) -> list[str]:
    """Leftover placeholders (TODO, XXX, {name}, 「…」, 待補 ...) in any user-visible text."""
    fields: list[tuple[str, str]] = [("answer", entry.answer), ("more", entry.more or ""),
                                     ("answer_en", entry.answer_en or "")]
    fields += [("questions", q) for q in entry.questions + entry.questions_en]
    fields += [("tags", t) for t in entry.tags]
    problems = []
    for name, text in fields:
        found = PLACEHOLDER_RE.search(text)
        if found:
            problems.append(f"placeholder {found.group(0)!r} in {name}")
        elif name != "questions" and TRAILING_ELLIPSIS_RE.search(text):
            problems.append(f"{name} ends with an ellipsis (unfinished?)")
    return problems


def duplicate_ids(entries: Iterable[FaqEntry]) -> list[str]:
    """One line per id used more than once."""
    seen: dict[str, list[str]] = defaultdict(list)
    for entry in entries:
        seen[entry.id].append(entry.origin)
    return [f"duplicate id {i!r} in {', '.join(w)}" for i, w in seen.items() if len(w) > 1]


def duplicate_phrasings(entries: Iterable[FaqEntry]) -> list[str]:
    """Phrasings that normalise to the same text in two entries (or twice in one)."""
    owners: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for entry in entries:
        for question in entry.questions + entry.questions_en:
            key = normalize(question)
            if key:
                owners[key].append((entry.id, question))
    errors = []
    for found in owners.values():
        if len(found) > 1:
            listed = "; ".join(f"{i}: {q!r}" for i, q in found)
            errors.append(f"duplicate phrasing after normalisation: {listed}")
    return errors


def broken_links(entries: list[FaqEntry]) -> list[str]:
    """related ids that name no entry, or the entry itself."""
    known = {e.id for e in entries}
    errors = []
    for entry in entries:
        for target in entry.related:
            if target == entry.id:
                errors.append(_where(entry, "related lists the entry itself"))
            elif target not in known:
                errors.append(_where(entry, f"related id {target!r} does not exist"))
    return errors


def _where(entry: FaqEntry, problem: str) -> str:
    return f"faq {entry.id or '?'} ({entry.origin}): {problem}"


def nlp_problems(content_dir: Path) -> list[str]:
    """Problems in the NLP data besides the FAQ: nlp/*.yaml, intents, intent examples,
    out-of-scope examples, city services, the seed texts and their sources."""
    from bot.nlp.config import NlpConfig
    from bot.nlp.examples import example_problems
    from bot.nlp.index import read_groups
    from bot.nlp.intents import IntentRules
    from bot.nlp.normalize import Normalizer
    from bot.nlp.services import Services
    from bot.nlp.unsourced import Unsourced

    nlp_dir = content_dir / "nlp"
    loaders: list[tuple[str, Callable[[], object]]] = [
        ("nlp/nlp.yaml", lambda: NlpConfig.from_yaml(nlp_dir / "nlp.yaml")),
        ("nlp/out-of-scope.yaml", lambda: read_groups(nlp_dir / "out-of-scope.yaml")),
        ("nlp/services.yaml", lambda: Services.from_yaml(nlp_dir / "services.yaml")),
    ]
    try:
        normalizer = Normalizer.from_dir(nlp_dir)
    except (ValueError, OSError) as exc:
        return [f"nlp: {exc}"]
    loaders.append(("intents.yaml", lambda: IntentRules.from_yaml(
        content_dir / "intents.yaml", normalizer)))
    loaders.append(("nlp/unsourced.yaml", lambda: Unsourced.from_yaml(
        nlp_dir / "unsourced.yaml", normalizer)))
    errors = []
    for name, load in loaders:
        try:
            load()
        except (ValueError, TypeError, AttributeError, OSError) as exc:
            errors.append(f"{name}: {exc}")
    errors += example_problems(content_dir / "intent-examples.yaml", normalizer.synonyms)
    return errors + seed_problems(content_dir / "seeds") + step_problems(content_dir, normalizer)


def step_problems(content_dir: Path, norm: Callable[[str], str]) -> list[str]:
    """process.yaml loads, every step has what/actor in Chinese, and its faq id exists."""
    from bot.nlp.kb import load_faq
    from bot.nlp.steps import Steps

    try:
        steps = Steps.from_yaml(content_dir / "process.yaml", norm)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        return [f"process.yaml: {exc}"]
    ids = {e.id for e in load_faq(content_dir)}
    errors = []
    for process in steps.processes.values():
        for step in process.steps:
            where = f"process.yaml {process.id}/{step.id}"
            errors += [f"{where}: needs {k}" for k in ("what", "actor") if k not in step.fields]
            if step.fields.get("faq") and step.fields["faq"] not in ids:
                errors.append(f"{where}: faq {step.fields['faq']} does not exist")
    return errors


def seed_problems(seeds_dir: Path) -> list[str]:
    """Every seed text listed in sources.yaml with a key and a doc, and nothing else listed."""
    from bot.nlp.passages import read_sources

    try:
        sources = read_sources(seeds_dir)
    except ValueError as exc:
        return [str(exc)]
    texts = {p.name for p in seeds_dir.glob("*.txt")}
    errors = [f"seeds/{name}: not listed in seeds/sources.yaml" for name in sorted(texts)
              if name not in sources]
    errors += [f"seeds/sources.yaml: {name} does not exist" for name in sorted(sources)
               if name not in texts]
    keys = [str(s.get("key", "")) for s in sources.values()]
    errors += [f"seeds/sources.yaml: {name} needs a key and a doc"
               for name, s in sources.items() if not s.get("key") or not s.get("doc")]
    if len(set(keys)) != len(keys):
        errors.append("seeds/sources.yaml: keys must be unique")
    return errors


def start_label_problems(entries: Iterable[FaqEntry], strings: Mapping[str, object]) -> list[str]:
    """An entry that offers a flow needs that flow's button label (ui.yaml start.INTENT)."""
    return [_where(e, f"start {e.start!r} has no button label start.{e.start.partition('/')[0]}")
            for e in entries
            if e.start and f"start.{e.start.partition('/')[0]}" not in strings]
