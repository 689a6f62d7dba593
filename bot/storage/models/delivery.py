"""Broadcasts and their durable delivery batches."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


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
