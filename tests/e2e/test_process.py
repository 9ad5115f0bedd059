"""`frontdesk run` as a real process: it stops cleanly on SIGTERM and survives being killed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.emulator import EmulatorClient
from tests.e2e.conftest import TOKEN, BotProcess

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


async def test_sigterm_stops_the_bot_cleanly(bot_process: BotProcess, tg: EmulatorClient) -> None:
    await bot_process.start(tg)
    user = await tg.create_user()
    await tg.send_text(user.id, "/start")
    await tg.wait_for_bot_message(user.id, timeout=10)
    await tg.send_text(user.id, "RSSMRA80A01H501U")
    await tg.wait_for_bot_message(user.id, timeout=10)
    assert await bot_process.terminate() == 0
    output = bot_process.output()
    for secret in (TOKEN.split(":")[1], "RSSMRA80A01H501U"):
        assert secret not in output


async def test_a_killed_bot_picks_up_where_it_left(
    bot_process: BotProcess, tg: EmulatorClient, tmp_path: Path
) -> None:
    await bot_process.start(tg)
    user = await tg.create_user()
    await tg.send_text(user.id, "/start")
    await tg.wait_for_bot_message(user.id, timeout=10)
    assert await bot_process.kill() < 0
    await tg.send_text(user.id, "/menu")  # while the bot is down
    await bot_process.start(tg)
    await tg.wait_for_bot_message(user.id, timeout=10)
    assert await bot_process.terminate() == 0
    with sqlite3.connect(tmp_path / "frontdesk.db") as db:
        statuses = db.execute("SELECT status FROM processed_updates").fetchall()
    assert statuses == [("done",), ("done",)]
