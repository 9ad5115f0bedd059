"""The practice's KPIs over a period: requests by kind and state, response and closing times
against the promised time, overdue backlog, satisfaction, reminders (see flows.reminders.kpis)."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flows.lifecycle import OPEN_STATES
from flows.reminders.kpis import ReminderKpis
from flows.reminders.kpis import compute as reminder_kpis
from storage.repositories.satisfaction import TouchpointFigures
from storage.uow import UnitOfWork

PERIODS = {"7d": 7, "30d": 30, "90d": 90}
# Where a front desk running on a moved clock (the sandbox's time travel) records how far ahead
# it is, in seconds, so a tool reading the same database off-line counts up to the same "now".
CLOCK_SHIFT_SETTING = "clock.shift_seconds"
PERIOD = re.compile(r"^(\d{1,3})d$")


def parse_period(text: str, *, default: int = 30) -> int | None:
    """Days in `7d`/`30d`/`90d` (any 1–365), the default for empty text, None when unreadable."""
    text = text.strip().lower()
    if not text:
        return default
    match = PERIOD.match(text)
    if match is None or not 1 <= int(match[1]) <= 365:
        return None
    return int(match[1])


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


@dataclass(slots=True)
class Stats:
    days: int
    since: datetime
    total: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    by_state: Counter[str] = field(default_factory=Counter)
    by_kind_state: Counter[tuple[str, str]] = field(default_factory=Counter)
    first_response_hours: list[float] = field(default_factory=list)
    close_hours: list[float] = field(default_factory=list)
    responded_in_time: int = 0
    closed_in_time: int = 0
    overdue_open: int = 0
    oldest_open_days: float | None = None
    # The old 1–5 stars, kept as given and shown apart; the measure is `answers`.
    ratings: list[int] = field(default_factory=list)
    answers: TouchpointFigures = field(default_factory=lambda: TouchpointFigures("all"))
    by_touchpoint: dict[str, TouchpointFigures] = field(default_factory=dict)
    reminders: ReminderKpis = field(default_factory=ReminderKpis)

    @property
    def first_response_median(self) -> float | None:
        return statistics.median(self.first_response_hours) if self.first_response_hours else None

    @property
    def first_response_p90(self) -> float | None:
        return percentile(self.first_response_hours, 0.9)

    @property
    def close_median(self) -> float | None:
        return statistics.median(self.close_hours) if self.close_hours else None

    @property
    def close_p90(self) -> float | None:
        return percentile(self.close_hours, 0.9)

    @property
    def satisfaction(self) -> float | None:
        """The mean of the old 1–5 stars given in the period."""
        return statistics.mean(self.ratings) if self.ratings else None


async def recorded_shift(uow: UnitOfWork) -> timedelta | None:
    """How far ahead of the system clock the front desk's clock runs, as the desk that moved it
    recorded in this database; None where none did (production reads the system clock)."""
    shift = await uow.settings.get(key=CLOCK_SHIFT_SETTING)
    if isinstance(shift, bool) or not isinstance(shift, int | float):
        return None
    return timedelta(seconds=shift)


async def compute(uow: UnitOfWork, *, now: datetime, days: int) -> Stats:
    """Every figure of the period ending at `now`: the one source of /stats and of
    `frontdesk report` (its text, chart, CSV and HTML are all drawn from what this returns)."""
    since = now - timedelta(days=days)
    stats = Stats(days=days, since=since)
    figures = await uow.stats.request_figures_since(since=since)
    for (kind, state), n in figures.by_kind_state.items():
        stats.total += n
        stats.by_kind[kind] += n
        stats.by_state[state] += n
        stats.by_kind_state[(kind, state)] += n
    # As timedelta.total_seconds() divides its whole microseconds: the same floats.
    stats.first_response_hours = [us / 10**6 / 3600 for us in figures.response_us]
    stats.close_hours = [us / 10**6 / 3600 for us in figures.close_us]
    stats.responded_in_time = figures.responded_in_time
    stats.closed_in_time = figures.closed_in_time
    open_states = [s.value for s in OPEN_STATES]
    stats.overdue_open = await uow.stats.count_overdue(states=open_states, now=now)
    first = await uow.stats.oldest_created_at(states=open_states)
    if first is not None:
        stats.oldest_open_days = (now - first).total_seconds() / 86400
    stats.ratings = await uow.stats.rating_scores_since(since=since)
    until = now + timedelta(microseconds=1)  # up to and including now
    stats.by_touchpoint = await uow.satisfaction.by_touchpoint(since=since, until=until)
    stats.answers = await uow.satisfaction.overall(since=since, until=until)
    stats.reminders = await reminder_kpis(uow, since=since, now=now)
    return stats
