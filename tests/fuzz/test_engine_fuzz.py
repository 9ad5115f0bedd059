"""The front desk fuzzed in process: random update sequences from many people, by hypothesis.

Each example is a sequence of 2-9 updates from new people and the doctor (see `engine_run`):
every update from a person gets a reply, nothing internal is shown, nobody sees another patient's
name, codice fiscale or words, and nothing personal is logged. FRONTDESK_FUZZ_EXAMPLES sets how
many sequences (a few hundred by default, so `make test` stays fast; `make fuzz` runs more).
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.bootstrap import App
from bot.runtime import quiet_loggers
from tests.fuzz.engine_run import EngineFuzz, fuzz_app
from tests.fuzz.world import Findings

EXAMPLES = int(os.environ.get("FRONTDESK_FUZZ_EXAMPLES", "200"))


@dataclass
class World:
    loop: asyncio.AbstractEventLoop
    fuzz: EngineFuzz


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One app for every example (new people each time): a fresh database per example would
    cost more than the example."""
    quiet_loggers()  # as the bot runs: never DEBUG for the database driver or HTTP
    loop = asyncio.new_event_loop()
    manager = fuzz_app(tmp_path_factory.mktemp("fuzz"))
    app: App = loop.run_until_complete(manager.__aenter__())
    fuzz = EngineFuzz(app, random.Random(0))
    root = logging.getLogger()
    root.addHandler(fuzz.trap)
    previous = root.level
    root.setLevel(logging.DEBUG)
    try:
        yield World(loop, fuzz)
    finally:
        root.setLevel(previous)
        root.removeHandler(fuzz.trap)
        loop.run_until_complete(manager.__aexit__(None, None, None))
        loop.close()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(0, 2**32 - 1), steps=st.integers(2, 9))
def test_random_sequences_are_answered_and_leak_nothing(
    world: World, seed: int, steps: int
) -> None:
    findings = Findings()
    fuzz = world.fuzz
    fuzz.rng = random.Random(seed)
    world.loop.run_until_complete(fuzz.sequence(findings, steps=steps))
    fuzz.trap.check(findings, fuzz.people[-4:])
    assert findings.clean, findings.examples()
