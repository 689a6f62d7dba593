"""The relay jobs: a ticket's messages to the volunteers' group (ticket_sync) and volunteers'
answers to the resident (ticket_deliver).

Each job sends everything pending for its ticket, in order, under that ticket's lease for its
direction (one worker at a time: no second topic from two quick messages, answers in order).
A forum group gets a topic per ticket (recreated when a volunteer closed or deleted it); a plain
group gets one ticket message, and relays answer it. The resident gets an answer by their kept
reply token while it is fresh (free on LINE), else by push with a retry key fixed per batch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.core.errors import DeliveryError, PermanentError
from bot.core.ports import ForumTopics, Pusher, TokenReplier
from bot.handlers.deps import Deps
from bot.storage.models import Member, Ticket, TicketMessage
from bot.storage.tickets import relay as tickets_relay
from bot.storage.tickets import store as tickets
from bot.storage.tickets import volunteers
from bot.tickets import render
from bot.tickets.effects import queue_sync

log = logging.getLogger("bot.tickets")
BATCH = 4  # answers per delivery (LINE takes five messages a request; long ones split)
GONE_WORDS = ("thread not found", "topic_closed", "topic_deleted", "topic closed")


class Busy(Exception):
    """Another worker holds this ticket's lease: the job runner retries shortly."""


class TicketRelay:
    """Runs ticket_sync and ticket_deliver jobs with the process's platform clients."""

    def __init__(self, deps: Deps, pusher_for: Callable[[str], Pusher | None],
                 topics_for: Callable[[str], ForumTopics | None],
                 replier_for: Callable[[str], TokenReplier | None],
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.deps, self.clock = deps, clock
        self.pusher_for, self.topics_for, self.replier_for = pusher_for, topics_for, replier_for

    async def sync(self, payload: dict[str, Any], job: object) -> None:
        """Post the ticket to the group if it is not there, then relay what is pending."""
        ticket = await Ticket.get_or_none(id=int(payload["ticket"]))
        if ticket is None:
            raise PermanentError("ticket gone (the resident deleted their data)")
        group = await volunteers.group()
        if group is None:
            await tickets_relay.set_group_error(ticket.id, "no volunteers' group")
            raise PermanentError("no volunteers' group: run.py volunteers chat ...")
        pusher = self.pusher_for(group.platform)
        if pusher is None:
            raise PermanentError(f"platform {group.platform} is not configured")
        if not await tickets_relay.lease(ticket.id, tickets_relay.GROUP_LOCK):
            raise Busy(ticket.ref)
        try:
            await self._sync(ticket, group.chat_id, group.platform, pusher)
        finally:
            await tickets_relay.release(ticket.id, tickets_relay.GROUP_LOCK)

    async def _sync(self, ticket: Ticket, chat: str, platform: str, pusher: Pusher) -> None:
        for attempt in range(2):
            try:
                await self._sync_once(ticket, chat, platform, pusher)
                return
            except DeliveryError as exc:
                if attempt or not _topic_gone(exc):
                    raise
                # A volunteer closed or deleted the topic: a new topic, the ticket again.
                await tickets_relay.set_place(ticket.id, group_chat=chat)
                ticket = await Ticket.get(id=ticket.id)

    async def _sync_once(self, ticket: Ticket, chat: str, platform: str,
                         pusher: Pusher) -> None:
        if ticket.card_id is None or ticket.group_chat != chat:
            ticket = await self._post(ticket, chat, platform, pusher)
        pending = await tickets_relay.to_group(ticket.id)
        if not pending:
            return
        reply = render.group_relay(self.deps.content, ticket.ref,
                                   [(m.direction, m.text) for m in pending])
        card = str(ticket.card_id or "")
        ids = await pusher.push_replies(
            chat, [reply], f"tsync:{pending[0].id}", thread_id=ticket.thread_id or "",
            reply_to="" if ticket.thread_id or not card.isdigit() else card)
        await tickets.record_post(ticket.id, chat, ids)
        await tickets_relay.mark_sent([m.id for m in pending])

    async def _post(self, ticket: Ticket, chat: str, platform: str, pusher: Pusher) -> Ticket:
        """The ticket message (in its own topic on a forum group); ids stored at once, so a
        retry reuses a topic already made."""
        topics = self.topics_for(platform)
        forum = topics is not None and await topics.is_forum(chat)
        view = await tickets.view(ticket)
        thread = ticket.thread_id if ticket.group_chat == chat else None
        if forum and topics is not None and thread is None:
            thread = await topics.create_topic(chat, render.topic_name(self.deps.content, view))
            await tickets_relay.set_place(ticket.id, group_chat=chat, thread_id=thread)
        thread = thread if forum else None
        card = render.ticket_card(self.deps.content, self.deps.nlp, view, forum)
        ids = await pusher.push_replies(chat, [card], f"tcard:{ticket.id}:{thread or 'plain'}",
                                        thread_id=thread or "")
        await tickets_relay.set_place(ticket.id, group_chat=chat, thread_id=thread,
                                      card_id=ids[0] if ids else "-")
        await tickets.record_post(ticket.id, chat, ids)
        log.info("ticket %s posted (%s)", ticket.id, "topic" if thread else "message")
        return await Ticket.get(id=ticket.id)

    async def deliver(self, payload: dict[str, Any], job: object) -> None:
        """Deliver every pending answer to the resident, in order, in batches."""
        ticket = await Ticket.get_or_none(id=int(payload["ticket"]))
        if ticket is None:
            raise PermanentError("ticket gone (the resident deleted their data)")
        pusher = self.pusher_for(ticket.platform)
        if pusher is None:
            raise PermanentError(f"platform {ticket.platform} is not configured")
        if not await tickets_relay.lease(ticket.id, tickets_relay.RESIDENT_LOCK):
            raise Busy(ticket.ref)
        try:
            while batch := await tickets_relay.to_resident(ticket.id, BATCH):
                await self._deliver(ticket, batch, pusher)
        finally:
            await tickets_relay.release(ticket.id, tickets_relay.RESIDENT_LOCK)

    async def _deliver(self, ticket: Ticket, batch: list[TicketMessage], pusher: Pusher) -> None:
        if await Member.filter(platform=ticket.platform, user_id=ticket.user_id,
                               followed=False).exists():
            await self._undeliverable(ticket, batch, "volunteer.reason.unfollowed")
            return
        key = await tickets_relay.set_batch(batch)
        view = await tickets.view(ticket)
        replies: list[Any] = [render.resident_answer(self.deps.content, view, m.id, m.text,
                                                     buttons=i == len(batch) - 1)
                              for i, m in enumerate(batch)]
        try:
            if not await self._reply(ticket, replies):
                await pusher.push_replies(ticket.chat_id, replies, f"tdel:{ticket.id}:{key}")
        except DeliveryError as exc:
            if not exc.permanent:
                raise
            await self._undeliverable(ticket, batch, "volunteer.reason.refused")
            return
        await tickets_relay.mark_sent([m.id for m in batch])

    async def _reply(self, ticket: Ticket, replies: list[Any]) -> bool:
        """Use the resident's kept reply token when it is fresh (taken once, atomically)."""
        replier = self.replier_for(ticket.platform)
        if replier is None:
            return False
        token = await tickets_relay.take_reply_token(ticket.id, self.clock())
        return token is not None and await replier.reply_with_token(token, replies)

    async def _undeliverable(self, ticket: Ticket, batch: list[TicketMessage],
                             reason_key: str) -> None:
        """Mark the answers failed and tell the volunteers why (no personal data)."""
        await tickets_relay.mark_failed([m.id for m in batch], reason_key)
        t = self.deps.content.t
        note = await tickets.note(ticket.ref, t("volunteer.note.undeliverable", ref=ticket.ref,
                                                reason=t(reason_key)))
        if note is not None:
            await queue_sync(ticket.id, f"n{note.id}")
        log.info("ticket %s: answer not delivered (%s)", ticket.id, reason_key)


def _topic_gone(exc: DeliveryError) -> bool:
    """Telegram says the topic is closed or deleted (a volunteer did it): make a new one."""
    return exc.permanent and any(w in exc.reason.lower() for w in GONE_WORDS)
