"""The sandbox as `frontdesk sandbox` runs it, in this test's event loop: the page's server on a
free port, the emulator on another, the real bot on a database in the test's folder."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.sandbox import Sandbox, SandboxConfig
from bot.sandbox.serve import serve_sandbox
from flows.settings import Settings

READY_SECONDS = 30.0


@dataclass
class Running:
    url: str
    sandbox: Sandbox


@pytest.fixture
def framework() -> str:
    """The adapter the sandbox runs (a test may parametrize it)."""
    return "ptb"


@pytest.fixture
async def running(tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    # Not the checkout's .env: the sandbox as a fresh clone starts it.
    settings = Settings(_env_file=None, TELEGRAM_FRAMEWORK=framework)  # type: ignore[call-arg]
    ready: asyncio.Future[Running] = asyncio.get_running_loop().create_future()

    def on_ready(url: str, sandbox: Sandbox) -> None:
        ready.set_result(Running(url, sandbox))

    config = SandboxConfig(database=tmp_path / "sandbox.db")
    task = asyncio.create_task(
        serve_sandbox(settings, config, host="127.0.0.1", port=0, on_ready=on_ready)
    )
    done, _ = await asyncio.wait(
        {task, ready}, timeout=READY_SECONDS, return_when=asyncio.FIRST_COMPLETED
    )
    if task in done:
        task.result()  # raises why it could not start
    assert ready in done, "the sandbox did not start"
    started = ready.result()
    try:
        yield started
    finally:
        started.sandbox.stop()
        await asyncio.wait_for(task, 30)
