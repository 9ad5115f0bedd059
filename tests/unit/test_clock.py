"""FRONTDESK_CLOCK: the system clock when unset, else a clock that starts at the instant named and
ticks on in real time; anything but an instant with its offset is refused in one line."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from bot.bootstrap import bootstrap
from flows.clock import (
    ClockSettingError,
    ShiftedClock,
    SystemClock,
    clock_from_environment,
    shifted_clock_from_environment,
)
from flows.settings import Settings
from storage.uow import Database

SPRING = "2027-03-28T01:59:00+01:00"  # a minute before the clocks go forward in Rome


def test_unset_or_empty_is_the_system_clock() -> None:
    assert isinstance(clock_from_environment({}), SystemClock)
    assert isinstance(clock_from_environment({"FRONTDESK_CLOCK": "  "}), SystemClock)
    moved = shifted_clock_from_environment({})
    assert abs(moved.now() - datetime.now(UTC)) < timedelta(seconds=1)


def test_set_starts_at_the_instant_then_ticks() -> None:
    clock = clock_from_environment({"FRONTDESK_CLOCK": SPRING})
    assert isinstance(clock, ShiftedClock)
    start = datetime.fromisoformat(SPRING)
    first = clock.now()
    assert first.tzinfo is not None
    assert timedelta(0) <= first - start < timedelta(seconds=1)
    time.sleep(0.05)
    assert clock.now() - first >= timedelta(seconds=0.05)
    # Time travel from there counts from the start, not from the system's time.
    assert clock.travelled == timedelta(0)
    clock.advance(timedelta(hours=2))
    assert clock.travelled == timedelta(hours=2)


def test_the_same_instant_written_in_utc() -> None:
    clock = clock_from_environment({"FRONTDESK_CLOCK": "2027-03-28T00:59:00Z"})
    assert clock.now() - datetime.fromisoformat(SPRING) < timedelta(seconds=1)


@pytest.mark.parametrize(
    "value", ["tomorrow", "2027-03-28", "2027-03-28T02:30:00", "2027-03-28 25:00+01:00"]
)
def test_anything_but_an_instant_with_its_offset_is_refused(value: str) -> None:
    with pytest.raises(ClockSettingError) as refused:
        clock_from_environment({"FRONTDESK_CLOCK": value})
    message = str(refused.value)
    assert message.startswith("FRONTDESK_CLOCK must be an ISO 8601 instant with its UTC offset")
    assert repr(value) in message
    assert "\n" not in message


async def test_bootstrap_runs_on_it_when_no_clock_is_given(
    monkeypatch: pytest.MonkeyPatch, sqlite_database: Database
) -> None:
    monkeypatch.setenv("FRONTDESK_CLOCK", SPRING)
    settings = Settings(_env_file=None, database_url="sqlite+aiosqlite://")  # type: ignore[call-arg]
    app = await bootstrap(settings, database=sqlite_database)
    try:
        assert app.clock.now() - datetime.fromisoformat(SPRING) < timedelta(seconds=5)
        assert app.desk.clock is app.clock
    finally:
        await app.scheduler.shutdown()
