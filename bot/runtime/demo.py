"""The embedded default as a demo: sample walks, courses and i-Voting periods to try.

Someone trying the bot in the local chat (no platform configured, SQLite) should find
something under 「活動報名」 and 「i-Voting 什麼時候」. The samples say 範例 in their titles and
are loaded only into a database that has no events / no periods yet; a real deployment
(`DEMO_SAMPLES=false`, or any platform configured) never gets them.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot.common.settings import Settings
from bot.events.importer import import_events
from bot.events.spec import load_file
from bot.ivoting.calendar import load_calendar
from bot.ivoting.reminders import schedule
from bot.proposals.spec import ProposalSpec
from bot.storage import ivoting
from bot.storage.models import Event, IVotingPeriod

log = logging.getLogger("bot.demo")


async def load_samples(settings: Settings) -> None:
    """Load the shipped sample events and i-Voting periods into an empty database."""
    districts = [d.id for d in ProposalSpec.load(settings.content_dir).districts]
    if not await Event.exists():
        specs, errors = load_file(settings.content_dir / "events" / "samples.yaml", districts)
        if specs and not errors:
            await import_events(specs, datetime.now(UTC))
            log.info("demo: loaded %d sample events", len(specs))
    if not await IVotingPeriod.exists():
        calendar = load_calendar(settings.content_dir / "ivoting.yaml", tuple(districts))
        samples = [p for p in calendar.periods if p.sample] if not calendar.problems else []
        for period in samples:
            await ivoting.upsert(period)
            await schedule(period, settings.ivoting_open_reminder,
                           settings.ivoting_closing_reminder_hours)
        if samples:
            log.info("demo: loaded %d sample i-Voting periods", len(samples))
