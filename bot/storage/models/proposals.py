"""Proposals (構想書), their history, and the district offices' staff and chats."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


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
    # The office's latest card of it (chat, message id): a newer card takes its buttons away.
    card_chat = fields.CharField(max_length=64, null=True)
    card_id = fields.CharField(max_length=32, null=True)

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
    lang = fields.CharField(max_length=8, default="zh-TW")  # set with --lang, never guessed
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "district_chat"
