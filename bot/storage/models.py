"""Database tables (tortoise-orm). Migrations live in bot/storage/migrations."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class InboundEvent(Model):
    """A webhook event, recorded before the webhook answers 200, then processed by a worker."""

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


class IVotingPeriod(Model):
    """An i-Voting period from the calendar (content/ivoting.yaml, `run.py ivoting import`)."""

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=64, unique=True)  # the calendar's `id`
    title = fields.CharField(max_length=120)
    scope = fields.CharField(max_length=8)  # 全市 or a district
    opens = fields.DatetimeField()
    closes = fields.DatetimeField()
    how_to_vote = fields.TextField()
    eligibility = fields.TextField()
    url = fields.CharField(max_length=300)
    sample = fields.BooleanField(default=False)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "ivoting_period"


class Subscription(Model):
    """A resident's opt-in: i-Voting reminders or a district's news ('全市' or a district)."""

    id = fields.BigIntField(primary_key=True)
    platform = fields.CharField(max_length=16)
    user_id = fields.CharField(max_length=64)
    topic = fields.CharField(max_length=16)  # ivoting | news
    scope = fields.CharField(max_length=8)
    locale = fields.CharField(max_length=8, default="zh-TW")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "subscription"
        unique_together = (("platform", "user_id", "topic", "scope"),)


class Broadcast(Model):
    """One message to an audience: a staff broadcast or an i-Voting reminder.

    scheduled -> sending -> done; or cancelled, refused (over the LINE quota), stopped (the
    quota ran out while sending). Counters are updated as batches finish.
    """

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=191, unique=True, null=True)  # reminders: once each
    kind = fields.CharField(max_length=16, default="broadcast")  # broadcast | ivoting
    audience = fields.CharField(max_length=80)
    district = fields.CharField(max_length=8, default="")  # whose office sent it ('*': all)
    messages: Any = fields.JSONField(default=dict)  # locale -> [reply dicts]
    sender_platform = fields.CharField(max_length=16, default="")
    sender_chat = fields.CharField(max_length=64, default="")  # progress and report go here
    sender_user = fields.CharField(max_length=64, default="")
    urgent = fields.BooleanField(default=False)
    run_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(null=True)  # not sent after (an i-Voting close)
    status = fields.CharField(max_length=12, default="scheduled", db_index=True)
    total = fields.IntField(default=0)
    per_platform: Any = fields.JSONField(default=dict)  # platform -> recipients
    line_cost = fields.IntField(default=0)
    sent = fields.IntField(default=0)
    failed = fields.IntField(default=0)
    skipped = fields.IntField(default=0)
    progress_step = fields.IntField(default=0)  # tenths already reported
    error = fields.CharField(max_length=300, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    started_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "broadcast"


class DeliveryBatch(Model):
    """A durable unit of delivery: one LINE multicast (up to 500 users) or one chat elsewhere.

    pending -> sending (recorded before the call) -> sent | failed | skipped; cancelled or
    stopped with its broadcast. retry_key is stored before the first call (LINE answers a
    repeat with 409); parts_done counts the replies one chat already got.
    """

    id = fields.BigIntField(primary_key=True)
    broadcast_id = fields.BigIntField(db_index=True)
    platform = fields.CharField(max_length=16)
    locale = fields.CharField(max_length=8, default="zh-TW")
    recipients: Any = fields.JSONField()  # [user or chat id, ...]
    size = fields.IntField(default=0)  # len(recipients)
    retry_key = fields.CharField(max_length=36)
    urgent = fields.BooleanField(default=False)
    status = fields.CharField(max_length=12, default="pending")
    parts_done = fields.IntField(default=0)
    attempts = fields.IntField(default=0)
    run_at = fields.DatetimeField()
    locked_until = fields.DatetimeField(null=True)
    claim = fields.CharField(max_length=16, default="")  # who holds the lease (fencing)
    sent_count = fields.IntField(default=0)
    skipped_count = fields.IntField(default=0)
    error = fields.CharField(max_length=200, default="")
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "delivery_batch"
        indexes = (("status", "platform", "run_at"), ("broadcast_id", "status"))
