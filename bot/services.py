"""Building the bot's parts from settings: content, understander, dispatcher, adapters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.adapters.line import LineAdapter
from bot.adapters.local import LocalOutbox
from bot.adapters.telegram import TelegramAdapter
from bot.content import Content
from bot.core.ports import ForumTopics, Pusher, TokenReplier
from bot.core.serialize import reply_from_dict
from bot.dispatcher import Dispatcher
from bot.events.filters import FilterWords
from bot.events.jobs import EventJobs
from bot.handlers.deps import Deps
from bot.jobs_runner import JobRunner, PermanentError
from bot.nlp.understander import Understander
from bot.proposals.spec import ProposalSpec
from bot.settings import Settings
from bot.staff_notice import KIND as STAFF_NOTICE
from bot.staff_notice import StaffNotifier
from bot.storage import people
from bot.storage.events import StoredEvents
from bot.storage.models import Job, Member
from bot.storage.readers import StoredProposals
from bot.storage.recorder import GroupRecorder
from bot.storage.tickets import StoredTickets
from bot.tickets.effects import DELIVER as TICKET_DELIVER
from bot.tickets.effects import SYNC as TICKET_SYNC
from bot.tickets.relay import TicketRelay
from bot.tickets.sweep import TicketSweep
from bot.worker import Adapter, InboxWorker

TELEGRAM_COMMANDS = ("start", "menu", "help", "cancel", "mydata", "myevents", "whoami")


def build_deps(settings: Settings) -> Deps:
    """Content and the understander, loaded once per process."""
    content = Content.load(settings.content_dir)
    nlp = Understander.from_content(settings.content_dir)
    return Deps(content=content, nlp=nlp, my_data=people.my_data,
                spec=ProposalSpec.load(settings.content_dir), proposals=StoredProposals(),
                public_url=settings.base_url, tickets=StoredTickets(), handoff=settings.handoff,
                events=StoredEvents(), event_words=FilterWords.load(settings.content_dir))


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
    sweep: TicketSweep = field(init=False)
    local: LocalOutbox = field(default_factory=LocalOutbox)
    recorder: GroupRecorder = field(default_factory=GroupRecorder)

    def __post_init__(self) -> None:
        adapters: dict[str, Adapter] = {}
        if self.line is not None:
            adapters["line"] = self.line
        if self.telegram is not None:
            adapters["telegram"] = self.telegram
        self.worker = InboxWorker(self.dispatcher, adapters, batch=self.settings.worker_batch)
        notifier = StaffNotifier(self.deps, self.pusher)
        relay = TicketRelay(self.deps, self.pusher, self.topics, self.replier)
        self.jobs = JobRunner({"send": self.send_job, STAFF_NOTICE: notifier.run,
                               TICKET_SYNC: relay.sync, TICKET_DELIVER: relay.deliver,
                               **EventJobs(self.deps, self.pusher).handlers()},
                              clock=self.deps.clock)
        self.sweep = TicketSweep(self.deps)

    def pusher(self, platform: str) -> Pusher | None:
        """What pushes to a platform's chats (None when the platform is not on here)."""
        pushers: dict[str, Pusher | None] = {"line": self.line, "telegram": self.telegram,
                                             "local": self.local}
        return pushers.get(platform)

    def topics(self, platform: str) -> ForumTopics | None:
        """Forum topics on a platform (Telegram), when it is on here."""
        return self.telegram if platform == "telegram" else None

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

    async def start(self) -> None:
        """Open the platform clients (inside the running loop)."""
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


def telegram_commands(content: Content) -> list[tuple[str, str]]:
    """(command, description) pairs for setMyCommands, from content."""
    return [(name, content.t(f"tg.command.{name}")) for name in TELEGRAM_COMMANDS]


def build_services(settings: Settings, deps: Deps | None = None) -> Services:
    """Services for these settings; platforms are on when their settings are present."""
    deps = deps or build_deps(settings)
    line = telegram = None
    if settings.line_enabled:
        line = LineAdapter(settings.line_channel_secret, settings.line_channel_access_token,
                           settings.line_api_base_url)
    if settings.telegram_enabled:
        telegram = TelegramAdapter(settings.telegram_bot_token, settings.telegram_webhook_secret,
                                   settings.telegram_api_base_url, settings.telegram_webhook_url)
    return Services(settings, deps, Dispatcher(deps), line, telegram)


SERVICES = web.AppKey("services", Services)
