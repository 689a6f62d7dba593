"""Settings from the environment and an optional .env file (pydantic-settings)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(Exception):
    """A setting is missing or malformed; the message says which and how to fix it."""


class Settings(BaseSettings):
    """Every knob the bot reads; names match the README table."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(default=f"sqlite://{ROOT / 'data' / 'bot.sqlite3'}")
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    content_dir: Path = ROOT / "content"
    local_chat: bool | None = None  # None: on when no platform is configured
    line_channel_secret: str = ""
    line_channel_access_token: str = ""
    line_api_base_url: str = "https://api.line.me"
    telegram_bot_token: str = ""
    telegram_webhook_secret: str = ""
    telegram_webhook_url: str = ""
    telegram_api_base_url: str = "https://api.telegram.org"
    public_url: str = ""  # how residents and staff reach this server (printable pages)
    # 32: a batch holds SQLite's one connection while it saves, so webhook acks wait on it;
    # 64 gave about the same throughput with a p99 ack ~30 % higher (bench/webhook.py).
    worker_batch: int = Field(default=32, ge=1, le=1000)
    log_level: str = "INFO"
    # How long start-up keeps trying to reach the database (it may still be starting).
    database_wait: float = Field(default=10.0, ge=0, le=600)

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

    @field_validator("line_api_base_url", "telegram_api_base_url", "telegram_webhook_url",
                     "public_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value.rstrip("/")

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _telegram_secret_chars(cls, value: str) -> str:
        # Telegram allows 1-256 characters A-Z, a-z, 0-9, _ and - in secret_token.
        if value and (len(value) > 256 or not all(c.isalnum() or c in "_-" for c in value)):
            raise ValueError("use 1-256 characters from A-Z, a-z, 0-9, _ and -")
        return value

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
