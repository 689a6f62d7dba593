"""Hand-off to volunteers: the group, volunteers, tickets, messages, posts, FAQ suggestions."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class VolunteerGroup(Model):
    """The volunteers' group (one row, key 'volunteers'): where hand-off tickets are posted."""

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=16, unique=True, default="volunteers")
    platform = fields.CharField(max_length=16)
    chat_id = fields.CharField(max_length=64)
    sweep_until = fields.DatetimeField(null=True)  # lease: one nudge sweep at a time
    lang = fields.CharField(max_length=8, default="zh-TW")  # set with --lang, never guessed
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
    # True: the volunteer wrote question and answer; False (older rows): a resident's words,
    # which `faq-suggestions accept` never copies (the accepter writes both).
    written = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "faq_suggestion"
