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


class VolunteerGroup(Model):
    """The volunteers' group (one row, key 'volunteers'): where hand-off tickets are posted."""

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=16, unique=True, default="volunteers")
    platform = fields.CharField(max_length=16)
    chat_id = fields.CharField(max_length=64)
    sweep_until = fields.DatetimeField(null=True)  # lease: one nudge sweep at a time
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "volunteer_group"


class VolunteerRole(Model):
    """A person who may claim and answer residents' tickets in the volunteers' group."""

    id = fields.BigIntField(primary_key=True)
    platform = fields.CharField(max_length=16)
    user_id = fields.CharField(max_length=64)
    name = fields.CharField(max_length=64, default="")  # the name other volunteers see
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "volunteer_role"
        unique_together = (("platform", "user_id"),)


class Ticket(Model):
    """A resident's question handed to the volunteers (consented: question and district only).

    Where it sits in the volunteers' group is stored (thread_id: its forum topic; card_id: the
    ticket message), never parsed out of message text. group_lock / resident_lock are leases
    that keep one worker at a time relaying in each direction.
    """

    id = fields.BigIntField(primary_key=True)
    ref = fields.CharField(max_length=12, unique=True)  # the number residents and volunteers see
    platform = fields.CharField(max_length=16)  # the resident's
    chat_id = fields.CharField(max_length=64)
    user_id = fields.CharField(max_length=64, db_index=True)
    locale = fields.CharField(max_length=8, default="zh-TW")
    district = fields.CharField(max_length=8, default="")
    question = fields.CharField(max_length=500)
    guesses: Any = fields.JSONField(default=list)  # FAQ ids the bot thought closest
    status = fields.CharField(max_length=12, default="open", db_index=True)  # open | closed
    close_reason = fields.CharField(max_length=16, null=True)  # resident|thanks|volunteer|quiet
    claimed_by = fields.CharField(max_length=64, null=True)
    claimed_name = fields.CharField(max_length=64, default="")
    claimed_at = fields.DatetimeField(null=True)
    answered_at = fields.DatetimeField(null=True)  # the last volunteer answer
    resident_at = fields.DatetimeField(null=True)  # the last resident message
    group_chat = fields.CharField(max_length=64, null=True)  # where it was posted
    thread_id = fields.CharField(max_length=32, null=True, db_index=True)  # its forum topic
    card_id = fields.CharField(max_length=32, null=True)  # the ticket message's id
    group_error = fields.CharField(max_length=200, null=True)
    reply_token = fields.CharField(max_length=255, null=True)  # the resident's unused one
    reply_until = fields.DatetimeField(null=True)
    nudged_unclaimed_at = fields.DatetimeField(null=True)
    nudged_unanswered_at = fields.DatetimeField(null=True)
    group_lock = fields.DatetimeField(null=True)
    resident_lock = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    closed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "ticket"


class TicketMessage(Model):
    """One message of a ticket: in (resident -> volunteers), out (volunteer -> resident) or a
    note for the volunteers. source_key (the platform message it came from) is unique, so a
    redelivered update is relayed once."""

    id = fields.BigIntField(primary_key=True)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "models.Ticket", related_name="messages", on_delete=fields.CASCADE)
    direction = fields.CharField(max_length=4)  # in | out | note
    text = fields.TextField()
    author_id = fields.CharField(max_length=64, default="")  # a volunteer's user id (out)
    author_name = fields.CharField(max_length=64, default="")
    source_key = fields.CharField(max_length=160, null=True, unique=True)
    faq_id = fields.CharField(max_length=64, null=True)  # an FAQ answer a volunteer sent
    batch = fields.CharField(max_length=32, null=True)  # its delivery's retry key, once tried
    sent_at = fields.DatetimeField(null=True)
    error = fields.CharField(max_length=200, null=True)
    rating = fields.BooleanField(null=True)  # the resident's 👍/👎 on an answer
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "ticket_message"


class TicketPost(Model):
    """A message the bot sent to the volunteers' group for a ticket: a reply to it is an
    answer to that ticket."""

    id = fields.BigIntField(primary_key=True)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "models.Ticket", related_name="posts", on_delete=fields.CASCADE)
    chat_id = fields.CharField(max_length=64)
    message_id = fields.CharField(max_length=32)

    class Meta:
        table = "ticket_post"
        unique_together = (("chat_id", "message_id"),)


class FaqSuggestion(Model):
    """A suggested FAQ entry from a ticket (question and answer with personal data removed),
    waiting for staff review (`run.py faq-suggestions`)."""

    id = fields.BigIntField(primary_key=True)
    ticket_ref = fields.CharField(max_length=12, unique=True)
    question = fields.CharField(max_length=500)
    answer = fields.TextField()
    status = fields.CharField(max_length=12, default="pending", db_index=True)
    suggested_by = fields.CharField(max_length=80)
    faq_id = fields.CharField(max_length=64, null=True)  # the entry written on acceptance
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "faq_suggestion"


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
