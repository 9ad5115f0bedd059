"""Time as a dependency: production reads the system clock, tests and the sandbox move it.

`FRONTDESK_CLOCK` (an ISO 8601 instant with its offset, e.g. `2027-03-28T01:59:00+01:00`) starts
the practice's clock at that moment, from where it ticks on in real time: the way to run the test
suite, or a demo, at 03:00 on a Sunday or on the night the clocks change. Never in production.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Protocol

CLOCK_VARIABLE = "FRONTDESK_CLOCK"


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ShiftedClock:
    """The system clock moved by an offset that can grow (time travel), never a frozen one."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset
        self.start_offset = offset

    @classmethod
    def starting_at(cls, moment: datetime) -> ShiftedClock:
        """A clock that reads `moment` now and ticks on from there."""
        if moment.tzinfo is None:
            raise ValueError("ShiftedClock needs an aware datetime")
        return cls(moment - datetime.now(UTC))

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta

    @property
    def travelled(self) -> timedelta:
        """How far the clock was moved since it started (what a time traveller is shown)."""
        return self.offset - self.start_offset


class FixedClock:
    """A clock that only moves when told to; for unit tests."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, delta: timedelta) -> None:
        self.at += delta


class ClockSettingError(ValueError):
    """FRONTDESK_CLOCK is set but is not an instant; the message is one line for the person."""


def clock_start_from_environment(environ: Mapping[str, str] | None = None) -> datetime | None:
    """The instant FRONTDESK_CLOCK names, or None when it is unset or empty."""
    value = (os.environ if environ is None else environ).get(CLOCK_VARIABLE, "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ClockSettingError(
            f"{CLOCK_VARIABLE} must be an ISO 8601 instant with its UTC offset, "
            f"like 2027-03-28T01:59:00+01:00 (got {value!r})"
        )
    return moment


def shifted_clock_from_environment(environ: Mapping[str, str] | None = None) -> ShiftedClock:
    """A clock that can be moved: at FRONTDESK_CLOCK when set, else at the system's time."""
    start = clock_start_from_environment(environ)
    return ShiftedClock() if start is None else ShiftedClock.starting_at(start)


def clock_from_environment(environ: Mapping[str, str] | None = None) -> Clock:
    """The clock the bot runs on: the system clock, unless FRONTDESK_CLOCK says otherwise."""
    if clock_start_from_environment(environ) is None:
        return SystemClock()
    return shifted_clock_from_environment(environ)
