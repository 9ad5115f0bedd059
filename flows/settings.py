"""The practice's configuration: one pydantic-settings class read from the environment and `.env`.

Names that other tools rely on (TELEGRAM_*, DATABASE_URL) are read without the FRONTDESK_ prefix;
everything else the practice tunes is prefixed FRONTDESK_.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from flows.kpis.catalogue import Kpi
from flows.kpis.targets import practice_kpis, programme_kpis

_TOKEN_PATTERN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{10,100}$")
_PLACEHOLDER_TOKENS = {
    "changeme",
    "change-me",
    "your-token-here",
    "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11",
}
# Telegram allows 1-256 of these; fewer than 16 would be guessable.
_WEBHOOK_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,256}$")
_PLACEHOLDER_SECRET = re.compile(r"change|secret|placeholder|example|your|xxxx", re.IGNORECASE)


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


_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_OFFSET = re.compile(r"^(\d{1,4})\s*(m|min|h|d)$")
_UNITS = {"m": 1, "min": 1, "h": 60, "d": 24 * 60}


def quiet_span(value: str) -> tuple[time, time] | None:
    """`21:00-08:00` -> (21:00, 08:00); empty or `off` switches quiet hours off."""
    text = value.strip().lower()
    if text in ("", "off", "none"):
        return None
    start, sep, end = text.partition("-")
    first, last = _CLOCK.match(start.strip()), _CLOCK.match(end.strip())
    if not sep or first is None or last is None:
        raise ValueError("quiet hours look like 21:00-08:00 (or off)")
    span = (time(int(first[1]), int(first[2])), time(int(last[1]), int(last[2])))
    if span[0] == span[1]:
        raise ValueError("quiet hours must start and end at different times")
    return span


def offsets(value: str) -> list[timedelta]:
    """`24h,2h` -> [24 h, 2 h], largest first; minutes (m) and days (d) work too."""
    found = set()
    for part in value.split(","):
        match = _OFFSET.match(part.strip().lower())
        if match is None or int(match[1]) == 0:
            raise ValueError("appointment reminders look like 24h,2h (m, h or d)")
        found.add(timedelta(minutes=int(match[1]) * _UNITS[match[2]]))
    return sorted(found, reverse=True)


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
    practice_address: str = ""  # shown on appointment reminders; empty: not shown
    opening_hours: str = "mon-fri 08:30-12:30,15:00-18:00"
    answer_working_days: int = Field(default=2, ge=1, le=30)
    default_language: Literal["it", "en"] = "it"
    consent_version: str = "2026-11"
    max_requests_per_day: int = Field(default=3, ge=1, le=100)
    answer_window_days: int = Field(default=7, ge=1, le=60)
    closed: bool = False
    closed_message: str = ""
    extra_closed_days: list[date] = Field(default_factory=list)
    retention_days: int = Field(default=90, ge=1, le=3650)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Reminders and follow-up.
    quiet_hours: str = "21:00-08:00"
    reminder_grace_minutes: int = Field(default=30, ge=0, le=24 * 60)
    dose_window_minutes: int = Field(default=60, ge=5, le=24 * 60)
    snooze_minutes: int = Field(default=15, ge=1, le=240)
    refill_days: int = Field(default=7, ge=0, le=60)
    # Two reminders, 3 days and 1 day before, cut missed visits most in a primary-care trial;
    # none backs a 2-hour one, which stays available ("3d,1d,2h").
    appointment_reminders: str = "3d,1d"
    cancel_notice_minutes: int = Field(default=60, ge=0, le=7 * 24 * 60)
    attendance_prompt_minutes: int = Field(default=60, ge=0, le=24 * 60)
    # Satisfaction after a closed request or an attended visit (within 48 hours of it).
    ratings: bool = True
    rating_delay_minutes: int = Field(default=120, ge=0, le=47 * 60)
    satisfaction_interval_days: int = Field(default=30, ge=1, le=365)
    # Likelihood to recommend (0-10), after the satisfaction answer; off unless the practice asks.
    recommend_question: bool = False
    recommend_interval_days: int = Field(default=91, ge=1, le=730)
    checkback_days: list[int] = Field(default_factory=lambda: [7])
    checkback_text: str = ""
    # Follow-up programmes: the practice's programme file (TOML; none: the built-ins as they are)
    # and the least number of days between two programme messages to one patient.
    programmes_file: Path | None = None
    programme_cap_days: int = Field(default=7, ge=1, le=90)
    outbound_per_second: float = Field(default=30.0, gt=0, le=1000)
    outbound_per_chat_per_second: float = Field(default=1.0, gt=0, le=100)
    bot_username: str = ""
    # Webhook mode (several workers behind one URL); an empty URL means long polling.
    webhook_url: str = ""
    webhook_secret: SecretStr | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    # The practice's KPI targets (inline JSON or a TOML/JSON file); empty: the shipped defaults.
    kpi_targets: str = ""
    # Every Monday at opening, each doctor gets the KPI card (a photo); /stats shows it anyway.
    weekly_card: bool = True

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

    @field_validator("quiet_hours")
    @classmethod
    def _check_quiet_hours(cls, value: str) -> str:
        quiet_span(value)
        return value.strip()

    @field_validator("appointment_reminders")
    @classmethod
    def _check_offsets(cls, value: str) -> str:
        offsets(value)
        return value.strip()

    @field_validator("checkback_days")
    @classmethod
    def _check_checkbacks(cls, value: list[int]) -> list[int]:
        if any(not 1 <= day <= 365 for day in value):
            raise ValueError("check-back days must be between 1 and 365")
        return sorted(set(value))

    @field_validator("kpi_targets")
    @classmethod
    def _check_kpi_targets(cls, value: str) -> str:
        practice_kpis(value)
        return value.strip()

    @field_validator("webhook_url")
    @classmethod
    def _check_webhook_url(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("FRONTDESK_WEBHOOK_URL must start with https://")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _check_webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        secret = value.get_secret_value().strip() if value is not None else ""
        if not secret:
            return None
        if _PLACEHOLDER_SECRET.search(secret):
            raise ValueError("FRONTDESK_WEBHOOK_SECRET is still a placeholder: make a random one")
        if not _WEBHOOK_SECRET_PATTERN.match(secret):
            raise ValueError("FRONTDESK_WEBHOOK_SECRET: 16-256 letters, digits, _ or -")
        return SecretStr(secret)

    @model_validator(mode="after")
    def _webhook_needs_a_secret(self) -> Settings:
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError("FRONTDESK_WEBHOOK_URL needs FRONTDESK_WEBHOOK_SECRET")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def quiet(self) -> tuple[time, time] | None:
        """Quiet hours as (start, end) local times, or None when switched off."""
        return quiet_span(self.quiet_hours)

    @property
    def appointment_offsets(self) -> list[timedelta]:
        return offsets(self.appointment_reminders)

    @property
    def kpis(self) -> tuple[Kpi, ...]:
        """The KPI catalogue with the practice's targets and windows."""
        return practice_kpis(self.kpi_targets)

    @property
    def programme_kpis(self) -> dict[str, Kpi]:
        """The programmes' own targets, by "<KPI id>.<programme id>"."""
        return programme_kpis(self.kpi_targets)

    def token(self) -> str:
        """The bot token; callers must never log it."""
        if self.telegram_bot_token is None:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        return self.telegram_bot_token.get_secret_value()

    def webhook_token(self) -> str:
        """The webhook's secret token; callers must never log it."""
        if self.webhook_secret is None:
            raise ValueError("FRONTDESK_WEBHOOK_SECRET is not set")
        return self.webhook_secret.get_secret_value()
