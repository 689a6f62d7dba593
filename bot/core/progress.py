"""Delivery progress of one inbound event's answer, recorded as it happens.

The inbox worker hands an adapter one of these with each answer to deliver. The adapter
records each step before or right after taking it, so a retry after a crash or an outage
knows what may already have gone out and sends neither twice nor never.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """What an adapter records while it delivers one event's replies."""

    @property
    def sent(self) -> int:
        """Messages (LINE: requests) confirmed delivered by earlier attempts: skip them."""
        ...

    @property
    def reply_unknown(self) -> bool:
        """An earlier attempt used the reply token and never learned the outcome (a timeout,
        or the process died mid-request): not a sent reply until the platform says so."""
        ...

    @property
    def reply_given_up(self) -> bool:
        """An earlier attempt already decided that the reply's outcome cannot be learned any
        more and chose to push the answer: push, never reply."""
        ...

    async def replying(self) -> None:
        """Record, before the request leaves, that the reply token is being used."""

    async def reply_refused(self) -> None:
        """The platform answered and the reply did not go out (the token was not used)."""

    async def reply_unknowable(self) -> None:
        """The token is too old to learn an unknown reply's outcome: record (and count) that
        the answer is pushed anyway, so a retry pushes too."""

    async def confirmed(self, sent: int, total: int) -> None:
        """The first `sent` of `total` messages are delivered (the last step needs no
        record of its own: the event is marked done right after it)."""
