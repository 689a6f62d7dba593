"""Inbound events, conversation state, members, jobs and the question log."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class InboundEvent(Model):
    """A webhook event, recorded before the webhook answers 200, then processed by a worker.

    status: pending -> handled (turn saved, replies kept) -> done (delivered), or dead
    (a permanent refusal, or retries exhausted; `run.py inbox retry` puts it back).
    sent and reply_state record delivery progress, so a retry after a crash or an outage
    knows what may already have gone out.
    """

    id = fields.BigIntField(primary_key=True)
    platform = fields.CharField(max_length=16)
    event_key = fields.CharField(max_length=128)
    conv_key = fields.CharField(max_length=255)
    payload = fields.TextField()
    status = fields.CharField(max_length=12, default="pending", db_index=True)
    attempts = fields.IntField(default=0)
    locked_until = fields.DatetimeField(null=True)
    replies = fields.TextField(null=True)  # JSON replies kept until delivered
    error = fields.CharField(max_length=200, null=True)
    received_at = fields.DatetimeField(auto_now_add=True)
    processed_at = fields.DatetimeField(null=True)
    sent = fields.IntField(default=0)  # messages (LINE: requests) confirmed delivered
    reply_state = fields.CharField(max_length=8, null=True)  # "trying": outcome never learned
    retry_until = fields.DatetimeField(null=True)  # retries stop then (None: received + 12 h)

    class Meta:
        table = "inbound_event"
        unique_together = (("platform", "event_key"),)


class Conversation(Model):
    """Conversation state for one (platform, chat, user)."""

    id = fields.BigIntField(primary_key=True)
    platform = fields.CharField(max_length=16)
    chat_id = fields.CharField(max_length=64)
    user_id = fields.CharField(max_length=64)
    state = fields.CharField(max_length=40, default="idle")
    data: Any = fields.JSONField(default=dict)
    nonce = fields.CharField(max_length=8, default="")
    locale = fields.CharField(max_length=8, default="zh-TW")
    version = fields.IntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "conversation"
        unique_together = (("platform", "chat_id", "user_id"),)


class Member(Model):
    """A user of one platform: whether they follow us, and since when."""

    id = fields.BigIntField(primary_key=True)
    platform = fields.CharField(max_length=16)
    user_id = fields.CharField(max_length=64)
    followed = fields.BooleanField(default=True)
    first_seen = fields.DatetimeField(auto_now_add=True)
    last_seen = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "member"
        unique_together = (("platform", "user_id"),)


class Unanswered(Model):
    """A question the bot could not answer, or an answer marked unhelpful (no personal data)."""

    id = fields.BigIntField(primary_key=True)
    text = fields.CharField(max_length=200)
    reason = fields.CharField(max_length=16)  # no_match | suggested | thumbs_down
    faq_id = fields.CharField(max_length=64, null=True)
    lang = fields.CharField(max_length=4, default="zh")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "unanswered"


class Feedback(Model):
    """A 👍/👎 on an answer (user ids kept only so a user can see and delete theirs)."""

    id = fields.BigIntField(primary_key=True)
    platform = fields.CharField(max_length=16)
    user_id = fields.CharField(max_length=64)
    faq_id = fields.CharField(max_length=64)
    helpful = fields.BooleanField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "feedback"
        unique_together = (("platform", "user_id", "faq_id"),)


class Job(Model):
    """Durable work to run at or after run_at: pushes, reminders, broadcasts.

    dedupe_key is unique, so scheduling the same job twice (after a restart, or from two
    workers) creates it once.
    """

    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=32)
    payload = fields.TextField()
    dedupe_key = fields.CharField(max_length=191, unique=True)
    run_at = fields.DatetimeField(db_index=True)
    status = fields.CharField(max_length=12, default="pending", db_index=True)
    attempts = fields.IntField(default=0)
    locked_until = fields.DatetimeField(null=True)
    error = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "job"
