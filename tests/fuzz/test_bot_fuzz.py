"""The real bot fuzzed over the emulator, on both adapters, in a count small enough for CI:
random people and raw updates no person sends (see `bot_run`). FRONTDESK_FUZZ_BOT_UPDATES sets
the count; `make fuzz` runs thousands."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.conftest import ADAPTERS
from tests.fuzz.bot_run import fuzz_bot

pytestmark = pytest.mark.e2e

UPDATES = int(os.environ.get("FRONTDESK_FUZZ_BOT_UPDATES", "80"))


@pytest.mark.parametrize("adapter", ADAPTERS)
async def test_the_bot_answers_everyone_and_leaks_nothing(adapter: str, tmp_path: Path) -> None:
    findings = await fuzz_bot(adapter, tmp_path, updates=UPDATES, seed=len(adapter))
    assert findings.clean, f"{findings.summary(adapter)}\n{findings.examples()}"
