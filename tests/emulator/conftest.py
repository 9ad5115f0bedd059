"""Fixtures for the Bot API emulator's own tests.

A running emulator per test, its driver client, and `api`, a raw Bot API caller that can send
parameters in each encoding real clients use (tests get helpers through it rather than importing
this module, which is not importable by name).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.emulator import Emulator, EmulatorClient, EmulatorUser

TOKEN = "4242:TEST-token-for-the-emulator"


class BotApi:
    """Calls the emulator as a bot would, in a chosen parameter style."""

    def __init__(self, session: aiohttp.ClientSession, emulator: Emulator) -> None:
        self.session = session
        self.emulator = emulator

    def url(self, method: str, token: str | None = None) -> str:
        return f"{self.emulator.base_url}/bot{token or self.emulator.token}/{method}"

    async def call(
        self, method: str, *, style: str = "json", token: str | None = None, **params: Any
    ) -> tuple[int, dict[str, Any]]:
        """style: json, form (like python-telegram-bot), multipart (like aiogram), query."""
        url = self.url(method, token)
        encoded = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        if style == "json":
            request = self.session.post(url, json=params)
        elif style == "form":
            request = self.session.post(url, data=encoded)
        elif style == "multipart":
            form = aiohttp.FormData(default_to_multipart=True)
            for key, value in encoded.items():
                form.add_field(key, value)
            request = self.session.post(url, data=form)
        elif style == "query":
            request = self.session.get(url, params=encoded)
        else:
            raise ValueError(style)
        async with request as response:
            return response.status, await response.json()

    @staticmethod
    def keyboard(*buttons: tuple[str, str]) -> dict[str, Any]:
        """An InlineKeyboardMarkup with one (label, callback_data) button per row."""
        return {"inline_keyboard": [[{"text": t, "callback_data": d}] for t, d in buttons]}

    async def ok(self, method: str, **params: Any) -> Any:
        status, body = await self.call(method, **params)
        assert status == 200, body
        assert body["ok"], body
        return body["result"]

    async def error(self, method: str, **params: Any) -> dict[str, Any]:
        status, body = await self.call(method, **params)
        assert not body["ok"], body
        assert status == body["error_code"]
        return body


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    async with Emulator(token=TOKEN, port=0) as emu:
        yield emu


@pytest.fixture
async def client(emulator: Emulator) -> AsyncIterator[EmulatorClient]:
    async with EmulatorClient(emulator.base_url) as driver:
        yield driver


@pytest.fixture
async def api(emulator: Emulator) -> AsyncIterator[BotApi]:
    async with aiohttp.ClientSession() as session:
        yield BotApi(session, emulator)


@pytest.fixture
async def user(client: EmulatorClient) -> EmulatorUser:
    return await client.create_user(first_name="Maria", last_name="Rossi", language_code="it")
