"""`frontdesk run` as a process, on both adapters, polling and on the webhook: SIGTERM finishes
the updates in hand before it exits, and `kill -9` at any moment loses no update — every one
Telegram was sent ends up handled, once."""

from __future__ import annotations

import asyncio
import random
import sqlite3
from pathlib import Path

import pytest

from bot.emulator import EmulatorClient
from tests.e2e.conftest import BotProcess, wait_until
from tests.e2e.hooks import webhook_settings

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(params=["polling", "webhook"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def worker(
    bot_env: dict[str, str], tmp_path: Path, mode: str
) -> asyncio.AsyncGenerator[BotProcess]:
    env = {**bot_env, **(webhook_settings() if mode == "webhook" else {})}
    process = BotProcess(env, tmp_path)
    yield process
    if process.process is not None and process.process.returncode is None:
        await process.kill()


def journal(tmp_path: Path) -> dict[int, str]:
    with sqlite3.connect(tmp_path / "frontdesk.db") as db:
        return dict(db.execute("SELECT update_id, status FROM processed_updates").fetchall())


async def all_taken(tg: EmulatorClient) -> bool:
    """Telegram has nothing left to give: every update was confirmed (offset or 200)."""
    return int((await tg.stats())["pending_updates"]) == 0


async def test_sigterm_finishes_the_updates_in_hand(
    worker: BotProcess, tg: EmulatorClient, tmp_path: Path
) -> None:
    await worker.start(tg)
    users = [await tg.create_user() for _ in range(6)]
    await tg.configure(latency_ms=250)  # every answer takes a while: updates are in hand
    sent = [await tg.send_text_update(user.id, "/start") for user in users]
    await wait_until(lambda: all_taken(tg), 10, "the updates to be taken")
    assert await worker.terminate() == 0
    assert journal(tmp_path) == dict.fromkeys(sent, "done")
    for user in users:
        assert [m for m in await tg.transcript(user.id) if m.from_bot], "no answer"
    output = worker.output()
    assert "stopped" in output
    assert "Traceback" not in output


async def test_kill_9_at_any_moment_loses_no_update(
    worker: BotProcess, tg: EmulatorClient, tmp_path: Path
) -> None:
    users = [await tg.create_user() for _ in range(5)]
    await worker.start(tg)
    sent: list[int] = []
    rounds = random.Random(6)

    async def talk(texts: tuple[str, ...]) -> None:
        for text in texts:
            for user in users:
                sent.append(await tg.send_text_update(user.id, text))
                await asyncio.sleep(rounds.uniform(0, 0.01))

    for texts in (("/start", "Mario"), ("Rossi", "/menu")):
        talking = asyncio.create_task(talk(texts))
        await asyncio.sleep(rounds.uniform(0.05, 0.3))
        assert await worker.kill() < 0  # wherever it was: fetching, journalling, handling
        await talking
        await worker.start(tg)
    await wait_until(lambda: all_taken(tg), 15, "every update to be taken")

    async def all_done() -> bool:
        return journal(tmp_path) == dict.fromkeys(sent, "done")

    await wait_until(all_done, 15, "every update to be handled")
    assert await worker.terminate() == 0
