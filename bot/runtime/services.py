"""Building the bot's parts from settings: content, understander, dispatcher, adapters."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.adapters.local import LocalOutbox
from bot.broadcasts.compose import StoredBroadcasts
from bot.broadcasts.report import SenderReports
from bot.broadcasts.start import Starter
from bot.common.content import Content
from bot.common.settings import Settings
from bot.core.ports import ForumTopics, LocalChat, Pusher, TokenReplier
from bot.core.serialize import reply_from_dict
from bot.core.types import Incoming, Reply
from bot.delivery.engine import DeliveryEngine
from bot.delivery.limits import RateLimits
from bot.delivery.pacing import Pacer, limits_from
from bot.delivery.pusher import EnginePusher
from bot.delivery.quiet import QuietHours
from bot.events.filters import FilterWords
from bot.handlers import features
from bot.handlers.deps import Deps
from bot.ivoting.calendar import load_calendar
from bot.nlp.diskcache import load_understander
from bot.proposals.spec import ProposalSpec
from bot.runtime.dispatcher import Dispatcher
from bot.runtime.jobs import JobRunner, PermanentError
from bot.runtime.worker import Adapter, InboxWorker
from bot.storage import people
from bot.storage.events import StoredEvents
from bot.storage.ivoting import StoredIVoting
from bot.storage.models import Job, Member
from bot.storage.proposals.readers import StoredProposals
from bot.storage.recorder import GroupRecorder
from bot.storage.tickets.store import StoredTickets

if TYPE_CHECKING:  # the platform SDKs load only when a platform is on (a faster CLI)
    from bot.adapters.line import LineAdapter
    from bot.adapters.telegram import TelegramAdapter

TELEGRAM_COMMANDS = ("start", "menu", "help", "cancel", "mydata", "myevents", "whoami")


def build_deps(settings: Settings) -> Deps:
    """Content and the understander, loaded once per process."""
    content = Content.load(settings.content_dir)
    nlp = load_understander(settings.content_dir, settings.nlp_cache_dir)
    spec = ProposalSpec.load(settings.content_dir)
    calendar = load_calendar(settings.content_dir / "ivoting.yaml",
                             tuple(d.id for d in spec.districts))
    return Deps(content=content, nlp=nlp, my_data=people.my_data, spec=spec,
                proposals=StoredProposals(), public_url=settings.base_url,
                ivoting=StoredIVoting(calendar.replaces_faq), tickets=StoredTickets(),
                handoff=settings.handoff, events=StoredEvents(),
                event_words=FilterWords.load(settings.content_dir))


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """Everything a running bot process holds."""

    settings: Settings
    deps: Deps
    dispatcher: Dispatcher
    line: LineAdapter | None = None
    telegram: TelegramAdapter | None = None
    worker: InboxWorker = field(init=False)
    jobs: JobRunner = field(init=False)
    limits: RateLimits = field(init=False)
    engine: DeliveryEngine = field(init=False)
    starter: Starter = field(init=False)
    local: LocalOutbox = field(default_factory=LocalOutbox)
    recorder: GroupRecorder = field(default_factory=GroupRecorder)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)  # background(): drain.py

    def __post_init__(self) -> None:
        adapters: dict[str, Adapter] = {}
        if self.line is not None:
            adapters["line"] = self.line
        if self.telegram is not None:
            adapters["telegram"] = self.telegram
        self.worker = InboxWorker(self.dispatcher, adapters, batch=self.settings.worker_batch)
        self.recorder.hand_off_to(self.worker.hand_off, self.worker.lease)
        self._delivery()
        # "send" (a queued message to a chat) is the runtime's own; the rest the features'.
        self.jobs = JobRunner({"send": self.send_job, **features.jobs(self)},
                              clock=self.deps.clock)

    def _delivery(self) -> None:
        """The delivery engine: shared limits on every send, batches for broadcasts."""
        self.limits = limits_from(self.settings)
        pacer = Pacer(self.limits)
        if self.line is not None:
            self.line.throttle = pacer
        if self.telegram is not None:
            self.telegram.throttle = pacer
        served = [p for p, on in (("line", self.line), ("telegram", self.telegram),
                                  ("local", self.settings.local_chat_enabled)) if on]
        reports = SenderReports(self.deps.content)
        quiet = QuietHours.parse(self.settings.quiet_hours)
        self.engine = DeliveryEngine(limits=self.limits, pushers=self._platform_pusher,
                                     multicaster=self.line, platforms=served, reporter=reports,
                                     quiet=quiet, lease=self.settings.delivery_lease_seconds)
        self.starter = Starter(multicaster=self.line, served=served, reporter=reports,
                                quiet=quiet, wake=self.engine.notify, now=_utcnow)

    def _platform_pusher(self, platform: str) -> Pusher | None:
        pushers: dict[str, Pusher | None] = {"line": self.line, "telegram": self.telegram,
                                             "local": self.local}
        return pushers.get(platform)

    def pusher(self, platform: str) -> Pusher | None:
        """What pushes to a platform's chats (None when the platform is not on here): the
        adapter, paced by the shared rate limits, with the engine's error handling."""
        raw = self._platform_pusher(platform)
        return None if raw is None else EnginePusher(platform, raw, self.limits)

    def topics(self, platform: str) -> ForumTopics | None:
        """Forum topics on a platform (Telegram), when it is on here."""
        return self.telegram if platform == "telegram" else None

    @property
    def local_chat(self) -> LocalChat:
        """This process as the local web chat page sees it."""
        return _LocalChat(self)

    def replier(self, platform: str) -> TokenReplier | None:
        """Answers by a kept reply token (LINE), when it is on here."""
        return self.line if platform == "line" else None

    async def send_job(self, payload: dict[str, Any], job: Job) -> None:
        """Deliver a queued message; a user who unfollowed gets nothing."""
        platform, chat_id = payload["platform"], payload["chat_id"]
        pusher = self.pusher(platform)
        if pusher is None:
            raise PermanentError(f"platform {platform} is not configured")
        if await Member.filter(platform=platform, user_id=chat_id, followed=False).exists():
            raise PermanentError("the user unfollowed")
        replies = [reply_from_dict(r) for r in payload["replies"]]
        await pusher.push_replies(chat_id, replies, job.dedupe_key)

    def background(self) -> list[asyncio.Task[None]]:
        """Start the loops every process runs (call after start(), with the database open):
        the inbox worker, the job runner, the delivery engine and the features' loops (the
        ticket sweep)."""
        loops = {"inbox-worker": self.worker.run, "job-runner": self.jobs.run,
                 "delivery": self.engine.run, **features.loops(self)}
        self.tasks = [asyncio.create_task(run(), name=name) for name, run in loops.items()]
        return self.tasks

    async def start(self) -> None:
        """Open the platform clients and the shared limits (inside the running loop)."""
        await self.limits.start()
        if self.line is not None:
            await self.line.start()
        if self.telegram is not None:
            await self.telegram.start(telegram_commands(self.deps.content))

    async def close(self) -> None:
        """Close the platform clients."""
        if self.line is not None:
            await self.line.close()
        if self.telegram is not None:
            await self.telegram.close()
        await self.limits.close()


@dataclass(frozen=True)
class _LocalChat:
    """The local web chat's port (bot.core.ports.LocalChat) over a process's services."""

    services: Services

    def text(self, key: str) -> str:
        """A UI string (zh-TW)."""
        return self.services.deps.content.t(key)

    async def turn(self, msg: Incoming) -> list[Reply]:
        """Run the turn; pushes waiting for the user come first."""
        outcome = await self.services.dispatcher.turn(msg)
        return [*self.services.local.take(msg.user_id), *outcome.replies]

    def waiting(self, user_id: str) -> list[Reply]:
        """What was pushed to the user since the last call."""
        return self.services.local.take(user_id)


def telegram_commands(content: Content) -> list[tuple[str, str]]:
    """(command, description) pairs for setMyCommands, from content."""
    return [(name, content.t(f"tg.command.{name}")) for name in TELEGRAM_COMMANDS]


def build_services(settings: Settings, deps: Deps | None = None) -> Services:
    """Services for these settings; platforms are on when their settings are present."""
    deps = deps or build_deps(settings)
    line = telegram = None
    if settings.line_enabled:
        from bot.adapters.line import LineAdapter
        line = LineAdapter(settings.line_channel_secret, settings.line_channel_access_token,
                           settings.line_api_base_url)
    if settings.telegram_enabled:
        from bot.adapters.telegram import TelegramAdapter
        telegram = TelegramAdapter(settings.telegram_bot_token, settings.telegram_webhook_secret,
                                   settings.telegram_api_base_url, settings.telegram_webhook_url)
    deps = replace(deps, broadcasts=StoredBroadcasts(line, QuietHours.parse(settings.quiet_hours)))
    return Services(settings, deps, Dispatcher(deps), line, telegram)


SERVICES = web.AppKey("services", Services)
