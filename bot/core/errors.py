"""Delivery failures in platform-neutral terms, so the worker and the job runner can decide
whether to retry without knowing any platform's SDK."""

from __future__ import annotations


class DeliveryError(Exception):
    """A platform did not take a message.

    permanent: retrying can never help (the user blocked the bot or unfollowed, the chat or
    topic does not exist, the request is malformed). quota: LINE's monthly message quota is
    spent (permanent until the month ends; stop sending, do not retry). retry_after: seconds the
    platform asked us to wait (Telegram 429), else None. status: the HTTP status, 0 for a
    network failure. reason: a short text for logs and reports, with no personal data.
    """

    def __init__(self, reason: str, *, permanent: bool, status: int = 0,
                 retry_after: float | None = None, quota: bool = False,
                 unknown: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.status = status
        self.retry_after = retry_after
        self.quota = quota
        self.unknown = unknown
