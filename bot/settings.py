"""Settings read once from the environment and `.env` (SPEC §9)."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from core.common.calendar import parse_days

PLACEHOLDERS = {"", "changeme", "change-me", "change_me", "placeholder", "secret", "token",
                "your-token", "your-secret", "xxx", "todo", "replace-me"}
TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{10,}$")


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line naming it."""


class Settings(BaseSettings):
    """Every setting of SPEC §9; names are the environment variables."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      case_sensitive=False)

    telegram_bot_token: str = ""
    telegram_api_base_url: str = "https://api.telegram.org"
    frontline_secret: str = ""
    frontline_admins: Annotated[frozenset[int], NoDecode] = frozenset()
    database_url: str = "sqlite:///data/frontline.db"
    frontline_tz: str = "Asia/Shanghai"
    frontline_lang: Literal["zh", "en"] = "zh"
    frontline_anon_min: int = Field(5, ge=3, le=10)
    frontline_anon_min_comments: int = Field(5, ge=3, le=10)
    frontline_excellent_quota: float = Field(0.20, gt=0, le=1)
    frontline_scheduler: Literal["on", "off"] = "on"
    frontline_poll_timeout: int = Field(25, ge=0, le=50)
    frontline_webapp_url: str = ""  # the dashboard's public https URL (SPEC §12); "" = off
    frontline_webhook_url: str = ""  # the public https URL Telegram posts updates to
    frontline_web_listen: str = "127.0.0.1:8080"  # the HTTP side: webhook workers, the dashboard
    # FRONTLINE_CALENDAR: the path of a file of official days the calendar package does not
    # know; read once, here: its days, working (True) or not
    frontline_calendar: Annotated[dict[date, bool], NoDecode] = Field(default_factory=dict)

    @field_validator("frontline_admins", mode="before")
    @classmethod
    def _parse_admins(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            if not all(p.lstrip("-").isdigit() for p in parts):
                raise ValueError("FRONTLINE_ADMINS must be comma-separated Telegram ids")
            return frozenset(int(p) for p in parts)
        return value

    @field_validator("frontline_tz")
    @classmethod
    def _check_tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("frontline_calendar", mode="before")
    @classmethod
    def _read_calendar(cls, value: object) -> object:
        if isinstance(value, str):
            return _read_days(value.strip()) if value.strip() else {}
        return value

    @field_validator("telegram_api_base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("frontline_webapp_url")
    @classmethod
    def _check_webapp_url(cls, value: str) -> str:
        from urllib.parse import urlsplit

        value = value.strip()
        if not value:
            return value
        parts = urlsplit(value)
        local = parts.hostname in ("127.0.0.1", "localhost")
        if parts.scheme != "https" and not (parts.scheme == "http" and local):
            raise ValueError("must be an https:// URL (Telegram opens Mini Apps over https only)")
        if parts.query or parts.fragment:
            raise ValueError("must have no query or fragment (Telegram adds the launch data)")
        return value

    @field_validator("frontline_web_listen")
    @classmethod
    def _check_listen(cls, value: str) -> str:
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("must be HOST:PORT, e.g. 127.0.0.1:8080")
        return value

    @property
    def webapp_base(self) -> str:
        """The dashboard's path on our server: FRONTLINE_WEBAPP_URL's, without a final /."""
        from urllib.parse import urlsplit

        return urlsplit(self.frontline_webapp_url).path.rstrip("/")

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.frontline_tz)

    def require_bot(self) -> None:
        """Refuse a missing or placeholder token or secret (one line naming the setting)."""
        token = self.telegram_bot_token.strip()
        if token.lower() in PLACEHOLDERS or "<" in token:
            raise ConfigError("TELEGRAM_BOT_TOKEN is missing or a placeholder: set it in .env "
                              "(the token BotFather gave you)")
        if not TOKEN_RE.match(token):
            raise ConfigError("TELEGRAM_BOT_TOKEN does not look like a bot token "
                              "(expected <digits>:<letters>)")
        self.require_secret()

    def require_secret(self) -> None:
        secret = self.frontline_secret.strip()
        if secret.lower() in PLACEHOLDERS or "<" in secret or len(secret) < 16:
            raise ConfigError("FRONTLINE_SECRET is missing, a placeholder or shorter than 16 "
                              "characters: set a long random value in .env")

    def require_webhook(self) -> None:
        """Refuse a webhook URL Telegram would not post to (one line naming the setting)."""
        parsed = urlsplit(self.frontline_webhook_url.strip())
        if parsed.scheme != "https" or not parsed.hostname:
            raise ConfigError("FRONTLINE_WEBHOOK_URL must be the public https URL Telegram posts "
                              "to (https://bot.example.org/telegram)")
        self.listen_address(self.frontline_web_listen)

    @staticmethod
    def listen_address(value: str) -> tuple[str, int]:
        """HOST:PORT as (host, port); a bad one is refused with one line."""
        host, _, port = value.strip().rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ConfigError(f"FRONTLINE_WEB_LISTEN {value!r} is not HOST:PORT "
                              "(127.0.0.1:8080)")
        return host.strip("[]"), int(port)

    @property
    def webhook_path(self) -> str:
        """The path Telegram posts to: the path of FRONTLINE_WEBHOOK_URL."""
        return urlsplit(self.frontline_webhook_url.strip()).path or "/"

    @cached_property
    def webhook_token(self) -> str:
        """setWebhook's secret_token, derived from FRONTLINE_SECRET (64 characters of [0-9a-f])."""
        return hmac.new(self.frontline_secret.encode(), b"frontline webhook secret_token",
                        hashlib.sha256).hexdigest()

    @property
    def bot_base_url(self) -> str:
        return f"{self.telegram_api_base_url}/bot"

    @property
    def file_base_url(self) -> str:
        return f"{self.telegram_api_base_url}/file/bot"


def _read_days(path: str) -> dict[date, bool]:
    """The official days listed in the file at `path` (core.common.calendar.parse_days)."""
    try:
        text = Path(path).read_text("utf-8")
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from None
    return parse_days(text)


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning a validation error into a one-line ConfigError."""
    from pydantic import ValidationError

    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]).upper() if err["loc"] else "settings"
        raise ConfigError(f"{name}: {err['msg'].removeprefix('Value error, ')}") from None
