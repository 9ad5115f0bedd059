"""Settings: fixed names, defaults, refused placeholders."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from flows.settings import Settings

FIXED = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "TELEGRAM_FRAMEWORK", "DATABASE_URL")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]
    for name in (*FIXED, "FRONTDESK_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    settings = Settings()
    assert settings.telegram_bot_token is None
    assert settings.telegram_api_base_url == "https://api.telegram.org"
    assert settings.telegram_framework == "ptb"
    assert settings.database_url == "sqlite+aiosqlite:///./frontdesk.db"
    assert settings.timezone == "Europe/Rome"
    assert settings.answer_working_days == 2
    assert settings.default_language == "it"


def test_fixed_names_are_read_without_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:abcdefghijklmnopqrstuvwxyz")
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081/")
    monkeypatch.setenv("TELEGRAM_FRAMEWORK", "aiogram")
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/test")
    monkeypatch.setenv("FRONTDESK_TIMEZONE", "Europe/London")
    monkeypatch.setenv("FRONTDESK_PRACTICE_NAME", "Studio Rossi")
    settings = Settings()
    assert settings.token() == "123456:abcdefghijklmnopqrstuvwxyz"
    assert settings.telegram_api_base_url == "http://127.0.0.1:8081"
    assert settings.telegram_framework == "aiogram"
    assert settings.database_url == "postgresql+asyncpg://postgres@127.0.0.1/test"
    assert settings.timezone == "Europe/London"
    assert settings.practice_name == "Studio Rossi"


def test_token_never_shows_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:abcdefghijklmnopqrstuvwxyz")
    assert "abcdefghij" not in repr(Settings())


def test_read_from_dotenv(tmp_path: object) -> None:
    from pathlib import Path

    Path(".env").write_text("FRONTDESK_ANSWER_WORKING_DAYS=3\n")
    assert Settings().answer_working_days == 3


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TELEGRAM_BOT_TOKEN", "changeme"),
        ("TELEGRAM_BOT_TOKEN", "not a token"),
        ("TELEGRAM_API_BASE_URL", "api.telegram.org"),
        ("TELEGRAM_FRAMEWORK", "telethon"),
        ("DATABASE_URL", "mysql://root@localhost/x"),
        ("FRONTDESK_TIMEZONE", "Mars/Olympus"),
        ("FRONTDESK_ANSWER_WORKING_DAYS", "0"),
    ],
)
def test_bad_values_are_refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()


def test_env_example_lists_every_setting() -> None:
    from pathlib import Path

    example = (Path(__file__).parents[2] / ".env.example").read_text()
    names = {
        line.split("=", 1)[0].lstrip("# ").strip() for line in example.splitlines() if "=" in line
    }
    for field_name, field in Settings.model_fields.items():
        env_name = field.validation_alias or f"FRONTDESK_{field_name.upper()}"
        assert env_name in names, f"{env_name} is missing from .env.example"
