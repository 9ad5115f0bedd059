"""Losing nothing: the same update delivered twice files one request, and a bot killed after an
update was fetched and journalled, but before it was handled, files it after the restart."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from pathlib import Path

import pytest

from bot.emulator import EmulatorClient
from tests.e2e.conftest import READY_SECONDS, BotProcess, RunningBot, calls, wait_until
from tests.e2e.people import Someone, onboard
from tests.e2e.test_patient_journeys import forged_tap, question, requests_of

pytestmark = pytest.mark.e2e

# The bot as `frontdesk run` starts it, except that it dies (SIGKILL) inside the first tap it
# handles: after the engine journalled the update, before any effect was committed.
DIES_ON_FIRST_TAP = """
import os, signal
from flows import engine
from flows.events import TapIn
handle = engine.FrontDesk.handle
async def dying(self, event, **kwargs):
    if isinstance(event, TapIn):
        os.kill(os.getpid(), signal.SIGKILL)
    return await handle(self, event, **kwargs)
engine.FrontDesk.handle = dying
from bot.cli import main
main()
"""


class DyingBot(BotProcess):
    async def start(self, tg: EmulatorClient) -> None:
        polls = await calls(tg, "getUpdates")
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                DIES_ON_FIRST_TAP,
                "run",
                env=self.environment(),
                cwd=self.workdir,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )

        async def polling() -> bool:
            return await calls(tg, "getUpdates") > polls

        await wait_until(polling, READY_SECONDS * 2, "the dying bot to poll")


async def test_the_same_update_twice_files_one_request(
    tg: EmulatorClient, frontdesk: RunningBot
) -> None:
    maria = await Someone.join(tg, 9001)
    await onboard(maria)
    await question(maria)
    summary, label = await maria.find("Invia")
    data = summary.callback_data(label)
    assert data is not None
    tap = forged_tap(maria.id, summary.message_id, data)
    before = await tg.chat_seq(maria.id)
    await tg.inject_update({"update_id": 900_001, **tap})
    await tg.inject_update({"update_id": 900_001, **tap})
    await maria.settle(before)
    assert len(await requests_of(frontdesk.app)) == 1


@pytest.mark.slow
async def test_killed_between_fetch_and_handling_the_request_is_filed(
    tg: EmulatorClient, bot_env: dict[str, str], tmp_path: Path
) -> None:
    first = BotProcess(bot_env, tmp_path)
    await first.start(tg)
    maria = await Someone.join(tg, 9002)
    await onboard(maria)
    await question(maria)
    assert await first.terminate() == 0
    dying = DyingBot(bot_env, tmp_path)
    await dying.start(tg)
    _, label = await maria.find("Invia")
    await tg.tap(maria.id, label)
    assert await asyncio.wait_for(dying.process.wait(), 20) < 0  # type: ignore[union-attr]
    database = tmp_path / "frontdesk.db"
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM requests").fetchone() == (0,)
        pending = db.execute("SELECT count(*) FROM processed_updates WHERE status='pending'")
        assert pending.fetchone() == (1,)  # fetched and journalled, never handled
    again = BotProcess(bot_env, tmp_path)
    await again.start(tg)
    await tg.wait_for_bot_message(maria.id, lambda m: "Richiesta n. 1" in m.content, timeout=20)
    assert await again.terminate() == 0
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM requests").fetchone() == (1,)
        assert db.execute("SELECT DISTINCT status FROM processed_updates").fetchall() == [("done",)]
