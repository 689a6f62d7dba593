"""Removing personal data from text before a resident's words reach the volunteers. The
patterns live in bot/common/personal.py, where the content check (bot/nlp/checks.py) reads
them too: an FAQ entry that looks like it holds someone's details is refused."""

from __future__ import annotations

from bot.common.personal import mask_contact, scrub_personal

__all__ = ["mask_contact", "scrub_personal"]
