"""Walks and courses with their registrations; i-Voting periods and subscriptions."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Event(Model):
    """A 走讀 walk or a course residents can sign up for (loaded with `run.py events import`).

    version goes up whenever the time, the place or the status changes, so notices and
    reminders queued for an older version know they are stale.
    """

    id = fields.CharField(max_length=64, primary_key=True)  # the id in the event file
    kind = fields.CharField(max_length=24)
    title = fields.CharField(max_length=80)
    district = fields.CharField(max_length=8, db_index=True)
    starts = fields.DatetimeField(db_index=True)
    ends = fields.DatetimeField()
    place = fields.CharField(max_length=120)
    capacity = fields.IntField()
    host = fields.CharField(max_length=80)
    summary = fields.TextField()
    for_whom = fields.CharField(max_length=200)
    bring = fields.CharField(max_length=200, default="")
    signup_closes = fields.DatetimeField(null=True)
    url = fields.CharField(max_length=300, default="")
    needs_phone = fields.BooleanField(default=False)
    status = fields.CharField(max_length=12, default="scheduled")
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "event"


class EventRegistration(Model):
    """A resident's seat (registered), place in line (waiting) or held seat (offered).

    Cancelled, refused and lapsed entries are deleted: the id order is the waiting-list
    order, and nothing is kept about someone who is no longer coming.
    """

    id = fields.BigIntField(primary_key=True)
    event_id = fields.CharField(max_length=64, db_index=True)
    platform = fields.CharField(max_length=16)
    user_id = fields.CharField(max_length=64)
    chat_id = fields.CharField(max_length=64)
    status = fields.CharField(max_length=12, db_index=True)  # registered | waiting | offered
    code = fields.CharField(max_length=8)  # shown at the door; unique per event
    token = fields.CharField(max_length=32, unique=True)  # the .ics link's unguessable key
    name = fields.CharField(max_length=40)  # stored with consent
    phone = fields.CharField(max_length=20, null=True)  # only when the host needs it
    locale = fields.CharField(max_length=8, default="zh-TW")
    offer_until = fields.DatetimeField(null=True)
    checked_in_at = fields.DatetimeField(null=True)
    checked_in_by = fields.CharField(max_length=80, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "event_registration"
        unique_together = (("event_id", "platform", "user_id"), ("event_id", "code"))


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
