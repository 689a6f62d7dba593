"""Processes as ordered steps (content/process.yaml): next / before / first / which / who /
how long / straight to the vote, answered from the data, not from one FAQ entry per question.

A message is a step question when it names a step (住民大會, 進階課程, i-Voting ...) and asks
about order (之後, 之前, 第幾, 直接 ...), or names a process and asks where it starts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.nlp.yamlfile import read_yaml

# 「第二階段」「第3步」: a step by its number
_ORDINAL_RE = re.compile(r"第([一二三四五六七八九1-9])(个|個)?(阶段|階段|步|关|關|门|門)")
_NUMERALS = "一二三四五六七八九"

# When a message holds several cues, the most specific wins (「之前要先經過哪個階段」: before).
ORDER = ("direct", "first", "before", "next", "which", "who", "long")


@dataclass(frozen=True)
class Step:
    """One step of a process."""

    id: str
    names: tuple[str, ...]    # as shown (first) and as residents write them
    fields: dict[str, str]    # name_en, what, what_en, actor, actor_en, faq
    vote: bool = False


@dataclass(frozen=True)
class Process:
    """An ordered list of steps, with what the seeds say about its timing."""

    id: str
    names: tuple[str, ...]
    steps: tuple[Step, ...]
    fields: dict[str, str]    # name, name_en, timing, timing_en, note, note_en, doc, year


@dataclass(frozen=True)
class StepQuestion:
    """What a message asks: a relation about one step of one process."""

    process: str
    step: int                 # index into the process's steps
    relation: str             # one of ORDER


class Steps:
    """The processes, and the reading of a message as a step question."""

    def __init__(self, processes: list[Process], cues: dict[str, tuple[str, ...]],
                 norm: Callable[[str], str]) -> None:
        self.processes = {p.id: p for p in processes}
        self.cues = cues
        self._default = processes[0].id if processes else ""
        self._names = sorted(((_key(norm, n), p.id, i) for p in processes
                              for i, s in enumerate(p.steps) for n in s.names),
                             key=lambda t: -len(t[0]))
        # the first process is the default and the most general (參與式預算 is in 參與式預算課程):
        # a more specific process named anywhere wins over it
        self._process_names = sorted(((_key(norm, n), p.id) for p in processes for n in p.names),
                                     key=lambda t: (t[1] == processes[0].id, -len(t[0])))
        self._cues = {r: tuple(_key(norm, w) for w in cues.get(r, ())) for r in ORDER}

    @classmethod
    def from_yaml(cls, path: Path, norm: Callable[[str], str]) -> Steps:
        """Load the file (no processes when it is missing); ValueError naming what is wrong."""
        raw: Any = read_yaml(path) or {}
        processes = [_process(str(k), v) for k, v in (raw.get("processes") or {}).items()]
        cues = {str(k): tuple(str(w) for w in v) for k, v in (raw.get("cues") or {}).items()}
        unknown = set(cues) - set(ORDER)
        if unknown:
            raise ValueError(f"{path.name}: unknown cues {sorted(unknown)}")
        return cls(processes, cues, norm)

    def read(self, normalised: str) -> StepQuestion | None:
        """The step question a normalised message asks, if it asks one."""
        text = normalised.replace(" ", "")
        found = self._find_steps(text)
        ordinal = _ORDINAL_RE.search(text)
        # 「那第二階段呢」: a step of the step's or the named process, else the default one
        if ordinal and not any(c in text for c in self._cues["first"]):
            process = found[0][1] if found else next(
                (p for key, p in self._process_names if key in text), self._default)
            digit = ordinal.group(1)
            index = int(digit) - 1 if digit.isdigit() else _NUMERALS.index(digit)
            if index < len(self.processes[process].steps):
                return StepQuestion(process, index, "which")
        for relation in ORDER:
            at = next((text.find(c) for c in self._cues[relation] if c and c in text), -1)
            if at < 0:
                continue
            if found:
                return self._subject(found, at, relation)
            if relation == "first":
                process = next((p for key, p in self._process_names if key in text),
                               self._default)
                return StepQuestion(process, 0, "first")
            return None
        return None

    def _find_steps(self, text: str) -> list[tuple[int, str, int]]:
        """(position, process, step) of each step named, longest names first, no overlaps."""
        taken: list[tuple[int, int]] = []
        found = []
        for key, process, index in self._names:
            start = text.find(key)
            while start >= 0:
                end = start + len(key)
                if all(end <= a or start >= b for a, b in taken):
                    taken.append((start, end))
                    found.append((start, process, index))
                start = text.find(key, end)
        return sorted(found)

    def _subject(self, found: list[tuple[int, str, int]], at: int,
                 relation: str) -> StepQuestion:
        if relation == "direct":  # 「工作坊結束就直接投票嗎」: the step before the vote asked
            steps = [f for f in found if not self.processes[f[1]].steps[f[2]].vote]
            _, process, index = (steps or found)[0]
            return StepQuestion(process, index, relation)
        before = [f for f in found if f[0] <= at]
        _, process, index = before[-1] if before else found[0]
        return StepQuestion(process, index, relation)


def _key(norm: Callable[[str], str], text: str) -> str:
    return norm(text).replace(" ", "")


def _process(pid: str, raw: Any) -> Process:
    if not isinstance(raw, dict) or not isinstance(raw.get("steps"), list):
        raise ValueError(f"process.yaml {pid}: expected names, steps: [...]")
    steps = tuple(Step(str(s["id"]), tuple(str(n) for n in s["names"]),
                       {k: str(v) for k, v in s.items() if k not in ("id", "names", "vote")},
                       bool(s.get("vote", False))) for s in raw["steps"])
    source = raw.get("source") or {}
    fields = {k: str(v) for k, v in raw.items() if k not in ("steps", "names", "source")}
    fields.update(doc=str(source.get("doc", "")), year=str(source.get("year", "")))
    return Process(pid, tuple(str(n) for n in raw.get("names") or ()), steps, fields)
