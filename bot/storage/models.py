"""Database tables (tortoise-orm). Migrations live in bot/storage/migrations."""

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


class Proposal(Model):
    """A resident's 構想書: a draft saved after every step, then submitted and reviewed.

    The 構想書 fields themselves (place, category, problem, ...) are defined in content, so
    they are kept as one JSON object; district and title are columns for listing and export.
    """

    id = fields.BigIntField(primary_key=True)
    token = fields.CharField(max_length=32, unique=True)  # unguessable: draft key, print URL
    ref = fields.CharField(max_length=24, null=True, unique=True)  # set when submitted
    platform = fields.CharField(max_length=16)
    user_id = fields.CharField(max_length=64, null=True, db_index=True)  # None: user deleted
    status = fields.CharField(max_length=16, default="draft", db_index=True)
    district = fields.CharField(max_length=8, default="", db_index=True)
    title = fields.CharField(max_length=80, default="")
    answers: Any = fields.JSONField(default=dict)
    contact: Any = fields.JSONField(null=True)  # name and phone, only with consent
    note = fields.CharField(max_length=500, default="")  # the office's last note to the resident
    locale = fields.CharField(max_length=8, default="zh-TW")  # the language notices go out in
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    submitted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "proposal"


class ProposalEvent(Model):
    """One step in a proposal's history: submitted, accepted, needs more, ..."""

    id = fields.BigIntField(primary_key=True)
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="events", on_delete=fields.CASCADE)
    status = fields.CharField(max_length=16)
    note = fields.CharField(max_length=500, default="")
    actor = fields.CharField(max_length=80)  # "resident" or "staff:{platform}:{user id}"
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "proposal_event"


class StaffRole(Model):
    """A person allowed to act on one district's proposals ('*' for every district)."""

    id = fields.BigIntField(primary_key=True)
    platform = fields.CharField(max_length=16)
    user_id = fields.CharField(max_length=64)
    district = fields.CharField(max_length=8)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "staff_role"
        unique_together = (("platform", "user_id", "district"),)


class DistrictChat(Model):
    """The staff chat (a Telegram group) where a district office receives proposals."""

    id = fields.BigIntField(primary_key=True)
    district = fields.CharField(max_length=8, unique=True)
    platform = fields.CharField(max_length=16)
    chat_id = fields.CharField(max_length=64)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "district_chat"
