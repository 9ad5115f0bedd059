"""Webhook mode on both adapters: the emulator POSTs updates to the bot's own server.

The bot registers its URL with the secret token, refuses requests without it (nothing is
journalled), answers once the update is journalled, and handles a repeated update_id once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlmodel import select

from bot.bootstrap import App, bootstrap
from bot.emulator import EmulatorClient
from flows.settings import Settings
from storage.tables import ProcessedUpdate
from tests import clocks
from tests.e2e.conftest import EchoDesk, StartBot, raw_message, wait_until
from tests.e2e.hooks import WEBHOOK_SECRET, webhook_settings
from tests.e2e.people import Someone, onboard

pytestmark = pytest.mark.e2e


@pytest.fixture
async def hook_app(bot_env: dict[str, str], tmp_path: Path) -> AsyncIterator[App]:
    webhook = {
        name.removeprefix("FRONTDESK_").lower(): value for name, value in webhook_settings().items()
    }
    settings = Settings(_env_file=None, **bot_env, **webhook)  # type: ignore[arg-type]
    built = await bootstrap(settings, clock=clocks.clock())
    yield built
    await built.close()


async def journal(app: App) -> list[tuple[int, str]]:
    async with app.database.uow() as uow:
        rows = await uow.session.exec(select(ProcessedUpdate).order_by(ProcessedUpdate.update_id))
        return [(row.update_id, row.status) for row in rows.all()]


async def post(app: App, body: dict[str, object], secret: str | None) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    async with (
        aiohttp.ClientSession() as session,
        session.post(app.settings.webhook_url, json=body, headers=headers) as response,
    ):
        return response.status


async def test_the_webhook_is_registered_with_the_secret_and_serves_patients(
    tg: EmulatorClient, hook_app: App, start_bot: StartBot
) -> None:
    await start_bot(hook_app)

    async def registered_once() -> bool:
        return bool((await tg.webhook()).get("url"))

    await wait_until(registered_once, 5, "setWebhook")
    registered = await tg.webhook()
    assert registered["url"] == hook_app.settings.webhook_url
    assert registered["secret_token"] == WEBHOOK_SECRET
    maria = await Someone.join(tg, 4101)
    await onboard(maria)
    assert "Menu" in await maria.last_text() or (await maria.last()).buttons
    stats = await tg.stats()
    assert stats["calls"].get("getUpdates", 0) == 0
    assert stats["webhook"]["delivered"] >= 8
    assert all(status == "done" for _, status in await journal(hook_app))


async def test_a_forged_request_is_refused_and_changes_nothing(
    tg: EmulatorClient, hook_app: App, echo_desk: EchoDesk, start_bot: StartBot
) -> None:
    hook_app.desk.patient_routes = echo_desk
    await start_bot(hook_app)
    user = await tg.create_user()
    forged = {"update_id": 9100, **raw_message(user.id, "/start")}
    assert await post(hook_app, forged, None) == 403
    assert await post(hook_app, forged, "hook_7f3a9c2e51d84b06a9e2") == 403
    assert await post(hook_app, {"not": "an update"}, WEBHOOK_SECRET) == 400
    assert echo_desk.events == []
    assert await journal(hook_app) == []
    assert (await tg.transcript(user.id)) == []


async def test_a_repeated_update_is_handled_once(
    tg: EmulatorClient, hook_app: App, echo_desk: EchoDesk, start_bot: StartBot
) -> None:
    hook_app.desk.patient_routes = echo_desk
    await start_bot(hook_app)
    user = await tg.create_user()
    update = {"update_id": 5000, **raw_message(user.id, "una volta")}
    await tg.inject_update(update)
    await tg.wait_for_bot_message(user.id)
    await tg.inject_update(update)  # Telegram sending it again: delivered, answered 200
    assert await post(hook_app, update, WEBHOOK_SECRET) == 200
    await tg.send_text(user.id, "dopo")
    await tg.wait_for_bot_message(user.id, lambda m: m.text == "TextIn dopo")
    texts = [m.text for m in await tg.transcript(user.id) if m.from_bot]
    assert texts == ["TextIn una volta", "TextIn dopo"]
    assert [getattr(e, "text", None) for e in echo_desk.events] == ["una volta", "dopo"]


async def test_updates_sent_while_the_bot_is_down_arrive_after_it_starts(
    tg: EmulatorClient, hook_app: App, echo_desk: EchoDesk, start_bot: StartBot
) -> None:
    """Telegram retries a webhook it cannot reach; nothing is lost meanwhile."""
    hook_app.desk.patient_routes = echo_desk
    bot = await start_bot(hook_app)
    await bot.close()
    user = await tg.create_user()
    await tg.send_text(user.id, "mentre dormi")

    async def failed() -> bool:
        return (await tg.stats())["webhook"]["failed"] > 0

    await wait_until(failed, 5, "a failed delivery")
    await start_bot(hook_app)
    reply = await tg.wait_for_bot_message(user.id, after_seq=0)
    assert reply.text == "TextIn mentre dormi"
