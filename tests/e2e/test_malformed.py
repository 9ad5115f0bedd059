"""Updates Telegram's current server would not send never stop the desk, on both adapters.

Each shape is injected into the emulator's queue, then a normal patient writes /start: the
patient is answered (the poll was not wedged on the bad update), the bad update is journalled as
it came and set aside (or, when the framework can read it, handled), and nothing is pending.
Groups and channels: the bot says its one line where it may write, then leaves.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.bootstrap import App
from bot.emulator import EmulatorClient
from tests.e2e.conftest import RunningBot, StartBot, raw_message, wait_until
from tests.e2e.hooks import WEBHOOK_SECRET
from tests.e2e.people import Someone
from tests.e2e.test_webhook import hook_app, post  # noqa: F401 (the fixture)
from tests.fuzz.shapes import SHAPES, message_of

pytestmark = pytest.mark.e2e


async def _status(app: App, update_id: int) -> tuple[str, dict[str, Any]] | None:
    async with app.database.uow() as uow:
        row = await uow.updates.get(update_id=update_id)
        return (row.status, dict(row.payload)) if row is not None else None


@pytest.mark.parametrize("shape", SHAPES)
async def test_a_malformed_update_never_stops_the_next_patient(
    tg: EmulatorClient,
    app: App,
    frontdesk: RunningBot,
    shape: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    sender = await Someone.join(tg, 4301)
    bad = {"update_id": 880_001, **SHAPES[shape](sender.id)}
    await tg.inject_update(bad)
    patient = await Someone.join(tg, 4302, first_name="Giulia")
    await patient.say("/start")
    assert (await patient.last()).buttons
    journalled = await _status(app, 880_001)
    if journalled is not None:
        status, payload = journalled
        assert status in ("done", "failed"), status
        if status == "failed":  # set aside: kept as it came
            assert payload == bad
    assert await app.desk.unfinished_updates() == []

    async def confirmed() -> bool:
        return (await tg.stats())["pending_updates"] == 0

    await wait_until(confirmed, 5, "every update to be confirmed")
    logged = caplog.text
    assert "buongiorno" not in logged
    assert "Traceback" not in logged


async def test_a_webhook_body_whose_update_id_is_not_a_number_is_refused(
    tg: EmulatorClient,
    hook_app: App,  # noqa: F811 (the fixture)
    start_bot: StartBot,
    caplog: pytest.LogCaptureFixture,
    recwarn: pytest.WarningsRecorder,
) -> None:
    caplog.set_level(logging.INFO)
    await start_bot(hook_app)
    patient = await Someone.join(tg, 4311)
    body = {"update_id": "abc", **raw_message(patient.id, "/start")}
    assert await post(hook_app, body, WEBHOOK_SECRET) == 400
    unreadable = {"update_id": 880_100, "message": message_of(patient.id, chat=None)}
    assert await post(hook_app, unreadable, WEBHOOK_SECRET) == 200
    await patient.say("/start")
    assert (await patient.last()).buttons
    journalled = await _status(hook_app, 880_100)
    assert journalled is not None
    assert journalled[0] == "failed"
    # A kind of update from a newer Bot API: nothing to do, and its contents never logged
    # (aiogram's Dispatcher would warn with the whole update).
    newer = {"update_id": 880_101, "future_update": message_of(patient.id)}
    assert await post(hook_app, newer, WEBHOOK_SECRET) == 200
    await patient.say("/help")
    assert "buongiorno" not in caplog.text
    assert not [w for w in recwarn if "buongiorno" in str(w.message)]


async def test_a_group_hears_one_line_then_the_bot_leaves(
    tg: EmulatorClient, frontdesk: RunningBot
) -> None:
    maria = await Someone.join(tg, 4321)
    group, added = await tg.create_group(title="Famiglia", added_by=maria.id)
    assert added is not None

    async def left() -> bool:
        return int((await tg.stats())["calls"].get("leaveChat", 0)) >= 1

    await wait_until(left, 10, "the bot to leave the group")
    # A command from the group after all (sent before the leave took effect): no second line.
    await tg.inject_update(raw_message(maria.id, "/start", group_id=group["id"]))
    await tg.wait_idle(0.2)
    said = [m for m in await tg.transcript(group["id"]) if m.from_bot]
    assert len(said) == 1
    await maria.say("/start")
    assert (await maria.last()).buttons


async def test_a_channel_is_left_without_a_word(tg: EmulatorClient, frontdesk: RunningBot) -> None:
    owner = await Someone.join(tg, 4331)
    channel, _ = await tg.create_group(kind="channel", title="Notizie", added_by=owner.id)

    async def left() -> bool:
        return int((await tg.stats())["calls"].get("leaveChat", 0)) >= 1

    await wait_until(left, 10, "the bot to leave the channel")
    await tg.wait_idle(0.2)
    assert [m for m in await tg.transcript(channel["id"]) if m.from_bot] == []
