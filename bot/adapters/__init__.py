"""Platform adapters: LINE, Telegram, the local chat."""

import os

# python-telegram-bot 22 warns that RetryAfter.retry_after becomes a timedelta; opt in to that
# now (bot/adapters/errors.py reads either form) instead of a warning on every 429.
os.environ.setdefault("PTB_TIMEDELTA", "1")
