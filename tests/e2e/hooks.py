"""Webhook mode for the end-to-end tests: a free local port and the settings that use it."""

from __future__ import annotations

import socket


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


WEBHOOK_SECRET = "hook_7f3a9c2e51d84b06a9e1"


def webhook_settings(port: int | None = None) -> dict[str, str]:
    """Settings for webhook mode on a free local port (what Telegram would reach)."""
    port = port or free_port()
    return {
        "FRONTDESK_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/hook",
        "FRONTDESK_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "FRONTDESK_WEBHOOK_HOST": "127.0.0.1",
        "FRONTDESK_WEBHOOK_PORT": str(port),
    }
