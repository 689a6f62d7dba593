"""Settings from the environment and an optional .env file (pydantic-settings)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.common.hours import HandoffPolicy, parse_hours

ROOT = Path(__file__).resolve().parents[2]
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# The embedded default; the only database whose directory start-up creates (a first run).
DEFAULT_DATABASE_URL = f"sqlite://{ROOT / 'data' / 'bot.sqlite3'}"


class SettingsError(Exception):
    """A setting is missing or malformed; the message says which and how to fix it."""


class Settings(BaseSettings):
    """Every knob the bot reads; names match the README table."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(default=DEFAULT_DATABASE_URL)
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    content_dir: Path = ROOT / "content"
    # The built understander and jieba's table, keyed by the content and code they come from
    # (bot/nlp/diskcache.py): a new process starts in ≈0.3 s instead of ≈1.5 s.
    nlp_cache_dir: Path = ROOT / "data" / "cache"
    local_chat: bool | None = None  # None: on when no platform is configured
    demo_samples: bool | None = None  # None: on for the embedded default (bot/demo.py)
    line_channel_secret: str = ""
    line_channel_access_token: str = ""
    line_api_base_url: str = "https://api.line.me"
    line_data_api_base_url: str = "https://api-data.line.me"  # uploads (rich menu image)
    telegram_bot_token: str = ""
    telegram_webhook_secret: str = ""
    telegram_webhook_url: str = ""
    telegram_api_base_url: str = "https://api.telegram.org"
    public_url: str = ""  # how residents and staff reach this server (printable pages)
    # Events claimed and saved together: fewer transactions per event (bench/webhook.py).
    worker_batch: int = Field(default=128, ge=1, le=1000)
    access_log: bool = False  # one log line per HTTP request (costs ~5 % of webhook CPU)
    uvloop: bool = True  # the uvloop event loop when it is installed (~5 % less CPU)
    log_level: str = "INFO"
    # Volunteer hand-off: duty hours (Taipei time), the usual wait, nudges and quiet close.
    handoff_hours: str = "mon-fri 09:00-18:00"
    handoff_wait_minutes: int = Field(default=60, ge=1, le=10_000)
    handoff_nudge_unclaimed_minutes: int = Field(default=30, ge=1, le=100_000)
    handoff_nudge_unanswered_minutes: int = Field(default=120, ge=1, le=100_000)
    handoff_quiet_close_hours: int = Field(default=24, ge=1, le=10_000)
    # Delivery engine (bot/delivery): limits shared by every process through Redis when set.
    redis_url: str = ""
    redis_key_prefix: str = "civicbot:"
    line_push_per_second: int = Field(default=2000, ge=1, le=100_000)
    line_multicast_per_second: int = Field(default=200, ge=1, le=10_000)
    telegram_per_second: int = Field(default=30, ge=1, le=1000)
    telegram_chat_per_second: int = Field(default=1, ge=1, le=100)
    telegram_group_per_minute: int = Field(default=20, ge=1, le=1000)
    delivery_lease_seconds: float = Field(default=30.0, gt=0, le=3600)
    quiet_hours: str = "22:00-08:00"  # Asia/Taipei; "" or "off": no quiet hours
    ivoting_open_reminder: bool = True
    ivoting_closing_reminder_hours: int = Field(default=24, ge=0, le=24 * 30)  # 0: none
    # How long start-up keeps trying to reach the database (it may still be starting).
    database_wait: float = Field(default=10.0, ge=0, le=600)
    # Operations (deploy/, README "Running it for a city").
    log_format: str = "text"  # text | json (one JSON object per line)
    metrics_token: str = ""  # /metrics wants "Authorization: Bearer <this>"
    metrics_port: int = Field(default=0, ge=0, le=65535)  # 0: /metrics on PORT (token only)
    shutdown_grace: float = Field(default=10.0, ge=0, le=600)  # SIGTERM: finish work this long

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if not value.startswith(("sqlite://", "postgres://", "postgresql://")):
            raise ValueError("must start with sqlite:// or postgres://")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"{value!r} is not a log level: use one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("log_format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in ("text", "json"):
            raise ValueError(f"{value!r} is not a log format: use text or json")
        return value

    @field_validator("line_api_base_url", "line_data_api_base_url", "telegram_api_base_url",
                     "telegram_webhook_url", "public_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value.rstrip("/")

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str) -> str:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_window(cls, value: str) -> str:
        value = value.strip()
        if value.lower() in ("", "off", "none"):
            return ""
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d", value):
            raise ValueError("use HH:MM-HH:MM (e.g. 22:00-08:00), or off")
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _telegram_secret_chars(cls, value: str) -> str:
        # Telegram allows 1-256 characters A-Z, a-z, 0-9, _ and - in secret_token.
        if value and (len(value) > 256 or not all(c.isalnum() or c in "_-" for c in value)):
            raise ValueError("use 1-256 characters from A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("handoff_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        parse_hours(value)  # raises ValueError saying what is wrong
        return value

    @property
    def handoff(self) -> HandoffPolicy:
        """The hand-off policy these settings describe."""
        return HandoffPolicy(
            hours=parse_hours(self.handoff_hours), wait_minutes=self.handoff_wait_minutes,
            nudge_unclaimed=timedelta(minutes=self.handoff_nudge_unclaimed_minutes),
            nudge_unanswered=timedelta(minutes=self.handoff_nudge_unanswered_minutes),
            quiet_close=timedelta(hours=self.handoff_quiet_close_hours))

    @property
    def base_url(self) -> str:
        """PUBLIC_URL, or this server's own address when it is not set."""
        return self.public_url or f"http://{self.host}:{self.port}"

    @property
    def line_enabled(self) -> bool:
        """LINE is on when both its secret and its token are set."""
        return bool(self.line_channel_secret and self.line_channel_access_token)

    @property
    def telegram_enabled(self) -> bool:
        """Telegram is on when both its token and its webhook secret are set."""
        return bool(self.telegram_bot_token and self.telegram_webhook_secret)

    @property
    def demo_samples_enabled(self) -> bool:
        """Sample events and i-Voting periods: explicit setting, else on for the embedded
        default (SQLite, no platform configured), where people try the bot."""
        if self.demo_samples is not None:
            return self.demo_samples
        return self.database_url.startswith("sqlite") and not (self.line_enabled
                                                                or self.telegram_enabled)

    @property
    def local_chat_enabled(self) -> bool:
        """The local web chat: explicit setting, else on when no platform is configured."""
        if self.local_chat is not None:
            return self.local_chat
        return not (self.line_enabled or self.telegram_enabled)

    def check_pairs(self) -> None:
        """Raise SettingsError when only half of a platform's settings is present."""
        pairs = [
            ("LINE_CHANNEL_SECRET", self.line_channel_secret,
             "LINE_CHANNEL_ACCESS_TOKEN", self.line_channel_access_token),
            ("TELEGRAM_BOT_TOKEN", self.telegram_bot_token,
             "TELEGRAM_WEBHOOK_SECRET", self.telegram_webhook_secret),
        ]
        for name_a, a, name_b, b in pairs:
            if bool(a) != bool(b):
                have, missing = (name_a, name_b) if a else (name_b, name_a)
                raise SettingsError(f"{have} is set but {missing} is not: set both or neither")


def load_settings(**overrides: object) -> Settings:
    """Read settings; raise SettingsError with one clear line on a bad value."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]).upper() if err["loc"] else "setting"
        message = str(err["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{name}: {message} (check your environment or .env)") from None
    settings.check_pairs()
    return settings
