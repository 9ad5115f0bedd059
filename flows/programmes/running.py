"""Starting, pausing, resuming and stopping a programme, and planning its cycle: everyone the
segment would invite now is enrolled (one INSERT ... SELECT), their first step due at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flows.programmes.model import EveryMonths, Once, Programme, Season
from flows.programmes.segment import (
    DEFAULT_CAP_DAYS,
    in_season,
    months_before,
    preview,
    season_start,
    segment_query,
)
from storage.tables import ProgrammeCycle, ProgrammeState
from storage.uow import UnitOfWork

# A running cycle's segment is looked at again this often, for patients who became due since.
REPLAN_EVERY = timedelta(days=1)


class ProgrammeNotRunning(Exception):
    """Planning asked of a programme that is not running."""


@dataclass(frozen=True, slots=True)
class Planned:
    programme_id: str
    cycle: int
    enrolled: int
    eligible: int
    excluded: dict[str, int]


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, datetime.min.time(), tz)


def cycle_end(programme: Programme, now: datetime, tz: ZoneInfo) -> datetime | None:
    """When a cycle opened now stops taking new patients (None: never)."""
    recurrence = programme.recurrence
    today = now.astimezone(tz).date()
    if isinstance(recurrence, Once):
        return None
    if isinstance(recurrence, EveryMonths):
        return _local_midnight(months_before(today, -recurrence.months), tz)
    start = season_start(today, recurrence)
    months = (recurrence.last_month - recurrence.first_month) % 12 + 1
    return _local_midnight(months_before(start, -months), tz)


async def current_cycle(
    uow: UnitOfWork, programme: Programme, *, now: datetime, tz: ZoneInfo
) -> ProgrammeCycle | None:
    """The cycle to enrol into now, opening the next one when the last is over; None outside a
    season, or when a one-off programme's only cycle is over."""
    last = await uow.programmes.current_cycle(programme_id=programme.id)
    if last is not None and (last.ends_at is None or now < last.ends_at):
        return last
    if last is not None and isinstance(programme.recurrence, Once):
        return None
    recurrence = programme.recurrence
    if isinstance(recurrence, Season) and not in_season(now.astimezone(tz).date(), recurrence):
        return None
    return await uow.programmes.open_cycle(
        programme_id=programme.id, started_at=now, ends_at=cycle_end(programme, now, tz)
    )


async def start(
    uow: UnitOfWork, programme: Programme, *, now: datetime, tz: ZoneInfo,
    staff_id: int | None = None, cap_days: int = DEFAULT_CAP_DAYS,
) -> Planned | None:  # fmt: skip
    """Running from now, and the first planning done (None outside its season)."""
    await uow.programmes.set_programme_status(
        programme_id=programme.id, status="running", staff_id=staff_id
    )
    return await plan_cycle(uow, programme, now=now, tz=tz, cap_days=cap_days)


async def set_status(
    uow: UnitOfWork, programme_id: str, status: str, *, staff_id: int | None = None
) -> ProgrammeState:
    """Pause (nothing more is sent until resumed), resume, or stop (for good)."""
    if status not in ("paused", "running", "stopped"):
        raise ValueError(status)
    return await uow.programmes.set_programme_status(
        programme_id=programme_id, status=status, staff_id=staff_id
    )


async def plan_cycle(
    uow: UnitOfWork, programme: Programme, *, now: datetime, tz: ZoneInfo,
    cap_days: int = DEFAULT_CAP_DAYS,
) -> Planned | None:  # fmt: skip
    """Enrol in the current cycle everyone who would be invited now."""
    state = await uow.programmes.programme_state(programme_id=programme.id)
    if state is None or state.status != "running":
        raise ProgrammeNotRunning(programme.id)
    cycle = await current_cycle(uow, programme, now=now, tz=tz)
    if cycle is None:
        return None
    seen = await preview(uow, programme, now=now, tz=tz, cap_days=cap_days, cycle=cycle.cycle)
    query = segment_query(programme, cycle=cycle.cycle, now=now, tz=tz, cap_days=cap_days)
    enrolled = await uow.programmes.enrol_invitable(query=query, now=now)
    await uow.programmes.record_planning(
        cycle=cycle, eligible=seen.eligible, excluded=seen.excluded, now=now
    )
    return Planned(programme.id, cycle.cycle, enrolled, seen.eligible, seen.excluded)


async def plan_if_due(
    uow: UnitOfWork, programme: Programme, *, now: datetime, tz: ZoneInfo,
    cap_days: int = DEFAULT_CAP_DAYS,
) -> Planned | None:  # fmt: skip
    """Plan a running programme when its cycle was not planned in the last day (or is new)."""
    state = await uow.programmes.programme_state(programme_id=programme.id)
    if state is None or state.status != "running":
        return None
    last = await uow.programmes.current_cycle(programme_id=programme.id)
    fresh = last is not None and (last.ends_at is None or now < last.ends_at)
    if fresh and last is not None and last.planned_at and now - last.planned_at < REPLAN_EVERY:
        return None
    return await plan_cycle(uow, programme, now=now, tz=tz, cap_days=cap_days)
