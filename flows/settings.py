"""The practice's configuration: one pydantic-settings class read from the environment and `.env`.

Names that other tools rely on (TELEGRAM_*, DATABASE_URL) are read without the FRONTDESK_ prefix;
everything else the practice tunes is prefixed FRONTDESK_.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_TOKEN_PATTERN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{10,100}$")
_PLACEHOLDER_TOKENS = {
    "changeme",
    "change-me",
    "your-token-here",
    "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11",
}


def normalise_database_url(url: str) -> str:
    """Accept the URLs people paste and turn them into the async drivers we use."""
    url = url.strip()
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
    if url.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
        return url
    raise ValueError("DATABASE_URL must be a sqlite+aiosqlite:/// or postgresql+asyncpg:// URL")


class Settings(BaseSettings):
    """Every setting is listed, with a one-line comment, in `.env.example`."""

    model_config = SettingsConfigDict(
        env_prefix="FRONTDESK_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    telegram_bot_token: SecretStr | None = Field(
        default=None, validation_alias="TELEGRAM_BOT_TOKEN"
    )
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org", validation_alias="TELEGRAM_API_BASE_URL"
    )
    telegram_framework: Literal["ptb", "aiogram"] = Field(
        default="ptb", validation_alias="TELEGRAM_FRAMEWORK"
    )
    database_url: str = Field(
        default="sqlite+aiosqlite:///./frontdesk.db", validation_alias="DATABASE_URL"
    )
    timezone: str = Field(default="Europe/Rome", validation_alias="FRONTDESK_TIMEZONE")

    practice_name: str = "Studio medico"
    practice_phone: str = ""
    opening_hours: str = "mon-fri 08:30-12:30,15:00-18:00"
    answer_working_days: int = Field(default=2, ge=1, le=30)
    default_language: Literal["it", "en"] = "it"
    consent_version: str = "2026-11"
    max_requests_per_day: int = Field(default=3, ge=1, le=100)
    answer_window_days: int = Field(default=7, ge=1, le=60)
    closed: bool = False
    closed_message: str = ""
    extra_closed_days: list[date] = Field(default_factory=list)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("telegram_bot_token")
    @classmethod
    def _refuse_placeholder_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        token = value.get_secret_value().strip()
        if token.lower() in _PLACEHOLDER_TOKENS:
            raise ValueError("TELEGRAM_BOT_TOKEN is still the placeholder: paste the real token")
        if not _TOKEN_PATTERN.match(token):
            raise ValueError("TELEGRAM_BOT_TOKEN does not look like a bot token (digits:letters)")
        return SecretStr(token)

    @field_validator("telegram_api_base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("TELEGRAM_API_BASE_URL must start with http:// or https://")
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        return normalise_database_url(value)

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r} (example: Europe/Rome)") from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def token(self) -> str:
        """The bot token; callers must never log it."""
        if self.telegram_bot_token is None:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        return self.telegram_bot_token.get_secret_value()
