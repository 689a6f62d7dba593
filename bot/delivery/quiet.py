"""Quiet hours: a daily window (Asia/Taipei, may cross midnight) when non-urgent broadcasts
wait for the morning."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.proposals.dates import TAIPEI


@dataclass(frozen=True)
class QuietHours:
    """start-end in Taipei time; no window when start is None."""

    start: time | None = None
    end: time | None = None

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """'22:00-08:00' (as the QUIET_HOURS setting checks it); '' for none."""
        if not text:
            return cls()
        a, b = (time.fromisoformat(part) for part in text.split("-"))
        return cls(a, b) if a != b else cls()

    def active(self, when: datetime) -> bool:
        """True when `when` falls inside the window."""
        if self.start is None or self.end is None:
            return False
        t = when.astimezone(TAIPEI).time()
        if self.start < self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end  # across midnight

    def ends_after(self, when: datetime) -> datetime:
        """When the window that holds `when` ends (`when` itself outside the window)."""
        if not self.active(when) or self.end is None:
            return when
        local = when.astimezone(TAIPEI)
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if end <= local:
            end += timedelta(days=1)
        return end

    def label(self) -> str:
        """'22:00-08:00', or '' when there are no quiet hours."""
        if self.start is None or self.end is None:
            return ""
        return f"{self.start:%H:%M}-{self.end:%H:%M}"
