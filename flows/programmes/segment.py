"""A programme's segment for one moment, and the preview staff see before starting it: how many
would be invited now, and how many are left out, by reason. Counted in the database."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flows.programmes.model import EveryMonths, Once, Programme, Season
from storage.repositories.programme_segments import INVITE, SegmentQuery
from storage.uow import UnitOfWork

# At most one programme message per patient in this many days, across all programmes.
DEFAULT_CAP_DAYS = 7
# Told apart in the preview; `enrolled` (in this cycle already) only once a cycle runs.
EXCLUSIONS = ("no_consent", "unreachable", "capped", "opted_out", "done_recently", "erased",
              "enrolled")  # fmt: skip
_EVER = date(1900, 1, 1)


@dataclass(frozen=True, slots=True)
class Preview:
    """`eligible`: in the segment; `invite`: would be invited now; `excluded`: the rest."""

    programme_id: str
    cycle: int
    eligible: int
    invite: int
    excluded: dict[str, int]


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def season_start(today: date, season: Season) -> date:
    """The first day of the season `today` falls in, or of the last one before it."""
    year = today.year
    if season.first_month > season.last_month and today.month <= season.last_month:
        year -= 1  # a season across the new year, in its second part
    start = date(year, season.first_month, 1)
    return start if start <= today else date(year - 1, season.first_month, 1)


def in_season(today: date, season: Season) -> bool:
    first, last = season.first_month, season.last_month
    if first <= last:
        return first <= today.month <= last
    return today.month >= first or today.month <= last


def done_since(programme: Programme, today: date) -> date:
    """A completion on or after this day means the patient is not due."""
    recurrence = programme.recurrence
    if isinstance(recurrence, Once):
        since = _EVER
    elif isinstance(recurrence, EveryMonths):
        since = months_before(today, recurrence.months) + timedelta(days=1)
    else:
        since = season_start(today, recurrence)
    months = programme.segment.last_completion_older_than_months
    if months is not None:
        since = min(since, months_before(today, months) + timedelta(days=1))
    return since


def segment_query(
    programme: Programme, *, cycle: int, now: datetime, tz: ZoneInfo,
    cap_days: int = DEFAULT_CAP_DAYS,
) -> SegmentQuery:  # fmt: skip
    segment = programme.segment
    today = now.astimezone(tz).date()
    no_visit_since = None
    if segment.last_visit_older_than_months is not None:
        since = months_before(today, segment.last_visit_older_than_months)
        no_visit_since = datetime.combine(since, datetime.min.time(), tz)
    return SegmentQuery(
        programme_id=programme.id,
        cycle=cycle,
        capped_since=now - timedelta(days=cap_days),
        # Aged at least min_age: born on or before today, min_age years ago.
        born_on_or_before=None if segment.min_age is None else months_before(
            today, 12 * segment.min_age),
        # Aged at most max_age: born after today, max_age + 1 years ago.
        born_after=None if segment.max_age is None else months_before(
            today, 12 * (segment.max_age + 1)),
        sex=None if segment.sex is None else str(segment.sex),
        tags_any=segment.tags_any,
        tags_all=segment.tags_all,
        tags_none=segment.tags_none,
        no_visit_since=no_visit_since,
        done_since=done_since(programme, today),
        active_therapy=segment.active_therapy,
    )  # fmt: skip


async def cycle_to_plan(uow: UnitOfWork, programme_id: str) -> int:
    """The cycle a preview speaks of: the running one, or the one a start would open."""
    state = await uow.programmes.programme_state(programme_id=programme_id)
    if state is None or state.cycle == 0:
        return 1
    return state.cycle if state.status in ("running", "paused") else state.cycle + 1


async def preview(
    uow: UnitOfWork, programme: Programme, *, now: datetime, tz: ZoneInfo,
    cap_days: int = DEFAULT_CAP_DAYS, cycle: int | None = None,
) -> Preview:  # fmt: skip
    """Who would be invited now, and who not and why; nothing is written."""
    number = cycle if cycle is not None else await cycle_to_plan(uow, programme.id)
    query = segment_query(programme, cycle=number, now=now, tz=tz, cap_days=cap_days)
    counts = await uow.programmes.segment_counts(query=query)
    invite = counts.pop(INVITE, 0)
    excluded = {reason: counts.get(reason, 0) for reason in EXCLUSIONS}
    return Preview(programme.id, number, invite + sum(excluded.values()), invite, excluded)
