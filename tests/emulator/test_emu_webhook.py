"""Webhook delivery: POSTs with the secret header, retries with backoff, per-chat order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

SECRET = "s3cr3t_Token-for-tests"


@dataclass
class Receiver:
    """A bot's webhook endpoint: records what arrives and answers with `answer(body)`."""

    answer: Callable[[dict[str, Any]], Any] = lambda body: 200
    received: list[dict[str, Any]] = field(default_factory=list)
    secrets: list[str | None] = field(default_factory=list)
    url: str = ""
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        self.secrets.append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        self.arrived.set()
        status = self.answer(body)
        if asyncio.iscoroutine(status):
            status = await status
        return web.Response(status=int(status))

    def texts(self) -> list[str]:
        return [u["message"]["text"] for u in self.received if "message" in u]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    hook = Receiver()
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    hook.url = f"http://127.0.0.1:{port}/hook"
    yield hook
    await runner.cleanup()


async def until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def test_updates_are_posted_with_the_secret_and_confirmed_by_a_200(
    api, client, user, receiver
):
    assert await api.ok("setWebhook", url=receiver.url, secret_token=SECRET) is True
    await client.send_text(user.id, "ciao")
    await until(lambda: receiver.texts() == ["ciao"])
    assert receiver.secrets == [SECRET]
    stats = await client.stats()
    assert stats["webhook"]["delivered"] == 1
    assert stats["pending_updates"] == 0
    assert (await api.error("getUpdates"))["error_code"] == 409


async def test_a_failed_delivery_is_retried_until_answered(api, client, user, receiver):
    answers = iter([500, 403, 200])
    receiver.answer = lambda body: next(answers)
    await api.ok("setWebhook", url=receiver.url, secret_token=SECRET)
    await client.send_text(user.id, "insisto")
    await until(lambda: len(receiver.received) == 3)
    for _ in range(100):
        if (await client.stats())["webhook"]["delivered"] == 1:
            break
        await asyncio.sleep(0.01)
    info = await api.ok("getWebhookInfo")
    assert info["last_error_message"] == "Wrong response from the webhook: 403 Forbidden"
    assert info["pending_update_count"] == 0
    assert receiver.texts() == ["insisto"] * 3
    ids = {u["update_id"] for u in receiver.received}
    assert len(ids) == 1  # the same update each time


async def test_an_unreachable_webhook_keeps_the_update_for_later(api, client, user, receiver):
    await api.ok("setWebhook", url="http://127.0.0.1:9/nobody-listens", secret_token=SECRET)
    await client.send_text(user.id, "dopo")
    for _ in range(500):
        if (await client.stats())["webhook"]["failed"] >= 2:
            break
        await asyncio.sleep(0.01)
    stats = await client.stats()
    assert stats["webhook"]["failed"] >= 2
    assert stats["pending_updates"] == 1
    # The bot comes back at its real address: delivered there.
    await api.ok("setWebhook", url=receiver.url, secret_token=SECRET)
    await until(lambda: receiver.texts() == ["dopo"])


async def test_one_chat_waits_for_its_previous_update_and_others_do_not(api, client, receiver):
    slow, quick = await client.create_user(), await client.create_user()
    release = asyncio.Event()

    async def answer(body: dict[str, Any]) -> int:
        if body["message"]["text"] == "primo":
            await release.wait()
        return 200

    receiver.answer = answer
    await api.ok("setWebhook", url=receiver.url)
    await client.send_text(slow.id, "primo")
    await client.send_text(slow.id, "secondo")
    await client.send_text(quick.id, "altro")
    await until(lambda: set(receiver.texts()) == {"primo", "altro"})
    await asyncio.sleep(0.1)
    assert "secondo" not in receiver.texts()
    release.set()
    await until(lambda: receiver.texts()[-1] == "secondo")
    assert receiver.secrets == [None, None, None]


async def test_delete_webhook_leaves_undelivered_updates_to_get_updates(api, client, user):
    await api.ok("setWebhook", url="http://127.0.0.1:9/nobody-listens")
    await client.send_text(user.id, "in attesa")
    await asyncio.sleep(0.05)
    await api.ok("deleteWebhook")
    updates = await api.ok("getUpdates")
    assert [u["message"]["text"] for u in updates] == ["in attesa"]


async def test_a_malformed_secret_is_refused(api):
    body = await api.error("setWebhook", url="https://example.invalid/hook", secret_token="a b")
    assert "secret token" in body["description"]
