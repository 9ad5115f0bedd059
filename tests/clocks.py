"""The tests' "now": the moment FRONTDESK_CLOCK names, else the system's time.

Running the suite with `FRONTDESK_CLOCK=2026-12-06T03:00:00+01:00` puts every test at 03:00 on a
Sunday: each test starts at that instant (tests/conftest.py restarts the clock per test, so a test
sees the same moment whether it runs alone or late in the suite) and time ticks on in real time.
Tests never call `datetime.now()` or `SystemClock()` for a business moment; they take `now()`
here, give in-process bots `clock()`, and start subprocess bots with `environment()`, so the test,
the bot in the test's loop and a bot in another process all read the same moment.
Tests about an hour (quiet hours, opening hours, a holiday) still pin it with `FixedClock` or
`Live.at` and set the hours explicitly (`HOURS`): this clock only says when the suite happens to
run.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flows.clock import (
    CLOCK_VARIABLE,
    ShiftedClock,
    clock_start_from_environment,
    shifted_clock_from_environment,
)

# The hours tests about opening or quiet hours assume, written out so that neither a change of the
# defaults nor a FRONTDESK_* variable in the developer's shell moves them: `Settings(**HOURS)`.
HOURS: dict[str, Any] = {
    "opening_hours": "mon-fri 08:30-12:30,15:00-18:00",
    "quiet_hours": "21:00-08:00",
    "extra_closed_days": [],
    "closed": False,
}

_test_clock: ShiftedClock | None = None


def restart() -> None:
    """A new test starts: back to FRONTDESK_CLOCK's instant (or on the system clock)."""
    global _test_clock
    _test_clock = shifted_clock_from_environment()


def _current() -> ShiftedClock:
    if _test_clock is None:
        restart()
    assert _test_clock is not None
    return _test_clock


def now() -> datetime:
    """This test's current moment, timezone-aware UTC."""
    return _current().now()


def clock() -> ShiftedClock:
    """A clock of its own for a bot (moving it moves nothing else), reading the test's moment."""
    return ShiftedClock(_current().offset)


def is_moved() -> bool:
    """True when the suite runs at a chosen moment rather than on the system clock."""
    return clock_start_from_environment() is not None


def environment(moment: ShiftedClock | None = None) -> dict[str, str]:
    """What a bot subprocess needs to start at the moment the test has reached (or `moment`'s
    reading): FRONTDESK_CLOCK re-anchored now, since a child counts from its own start. Empty on
    the unmoved system clock, where parent and child agree anyway."""
    clock = moment or _current()
    if clock.offset == timedelta(0) and not is_moved():
        return {}
    return {CLOCK_VARIABLE: clock.now().isoformat()}
