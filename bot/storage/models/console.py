"""The staff console: one-time sign-in links, sessions and the audit trail of changes."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class ConsoleLink(Model):
    """A one-time sign-in link (only the SHA-256 of its token is kept)."""

    id = fields.BigIntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    platform = fields.CharField(max_length=16)
    user_id = fields.CharField(max_length=64, db_index=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "console_link"


class ConsoleSession(Model):
    """A signed-in browser (the cookie's SHA-256 is the key, csrf rides in every form)."""

    id = fields.BigIntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    platform = fields.CharField(max_length=16)
    user_id = fields.CharField(max_length=64, db_index=True)
    csrf = fields.CharField(max_length=64)
    expires_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "console_session"


class AuditEntry(Model):
    """One change made in the console: what, on which item, by whom, when, with which note."""

    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=16)  # proposal | event | broadcast | ticket
    item = fields.CharField(max_length=64)
    action = fields.CharField(max_length=40)
    note = fields.CharField(max_length=500, default="")
    actor = fields.CharField(max_length=80)  # "staff:{platform}:{user id}"
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "audit_entry"
        indexes = (("kind", "item"),)
