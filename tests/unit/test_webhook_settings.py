"""Webhook settings: a URL needs a secret, and the secret must be a real one."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from flows.settings import Settings

URL = "https://bot.example.org/telegram/hook"
SECRET = "k3Jd9_fQ2-x8LmWq7ZtR"


def settings(**values: str) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg,arg-type]


def test_no_url_means_long_polling() -> None:
    assert settings().webhook_url == ""


def test_a_url_with_its_secret() -> None:
    ready = settings(webhook_url=URL, webhook_secret=SECRET, webhook_port="8443")
    assert ready.webhook_token() == SECRET
    assert SECRET not in repr(ready)


def test_a_url_without_a_secret_is_refused() -> None:
    with pytest.raises(ValidationError, match="needs FRONTDESK_WEBHOOK_SECRET"):
        settings(webhook_url=URL)


@pytest.mark.parametrize(
    "secret",
    ["changeme-changeme-changeme", "your-webhook-secret-here", "short", "has spaces in it!!"],
)
def test_placeholders_and_bad_secrets_are_refused(secret: str) -> None:
    with pytest.raises(ValidationError, match="FRONTDESK_WEBHOOK_SECRET"):
        settings(webhook_url=URL, webhook_secret=secret)


def test_the_url_must_be_http() -> None:
    with pytest.raises(ValidationError, match="FRONTDESK_WEBHOOK_URL"):
        settings(webhook_url="bot.example.org/hook", webhook_secret=SECRET)
