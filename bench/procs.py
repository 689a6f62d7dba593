"""Processes of a benchmark: their CPU time (from /proc) and CPU caps (cgroups).

A cap puts each server process in a cgroup of its own with a CPU quota (a fraction of one
core), so that on a small machine the servers, not the machine, are the limit: with two
processes capped at 0.4 core each, a fair scaling figure needs only 0.8 core for the bot,
leaving the rest to the load generator and the database (bench/webhook.py --cpu-cap).
Needs a writable cgroup cpu controller (root; cgroup v1 `cpu` or v2 `cpu.max`).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
PERIOD_US = 10_000  # short periods: a capped process is slowed evenly, not stopped for long
V1 = Path("/sys/fs/cgroup/cpu")
V2 = Path("/sys/fs/cgroup")


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of the processes (all their threads)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / TICK


def postgres_seconds() -> float:
    """CPU of every PostgreSQL server process (0 when it runs elsewhere)."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().strip() == "postgres":
                pids.append(int(entry.name))
        except OSError:  # gone meanwhile
            continue
    try:
        return cpu_seconds(pids)
    except OSError:
        return 0.0


class CpuCap:
    """Caps processes at `fraction` of one core each; remove() after they have ended."""

    def __init__(self, fraction: float) -> None:
        self.quota = int(fraction * PERIOD_US)
        if (V1 / "cpu.cfs_quota_us").exists():
            self.root, self.v2 = V1, False
        elif "cpu" in _read(V2 / "cgroup.controllers").split():
            self.root, self.v2 = V2, True
        else:
            raise RuntimeError("--cpu-cap needs a cgroup cpu controller (cgroup v1 or v2)")
        self.groups: list[Path] = []

    def add(self, pid: int) -> None:
        """Put the process (every thread of it) in a new capped group."""
        group = self.root / f"bench-{uuid.uuid4().hex[:12]}"
        group.mkdir()
        self.groups.append(group)
        if self.v2:
            (group / "cpu.max").write_text(f"{self.quota} {PERIOD_US}")
        else:
            (group / "cpu.cfs_period_us").write_text(str(PERIOD_US))
            (group / "cpu.cfs_quota_us").write_text(str(self.quota))
        (group / "cgroup.procs").write_text(str(pid))

    def remove(self) -> None:
        """Delete the groups (their processes must have ended)."""
        for group in self.groups:
            with contextlib.suppress(OSError):  # still busy: left for the system to clean
                group.rmdir()
        self.groups = []


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""
