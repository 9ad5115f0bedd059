"""Time for reminders: dose times planned on the practice's wall clock, and quiet hours.

Therapy times are local ("08:00" means 08:00 in Rome, summer or winter), so each dose is planned
by putting that wall-clock time on its local day and only then converting to UTC. A time that
does not exist on the spring-forward night (02:30) lands an hour later; one that happens twice on
the autumn night is taken the first time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flows.settings import Settings


def parse_clock(text: str) -> time:
    hours, _, minutes = text.partition(":")
    return time(int(hours), int(minutes))


def local_moment(day: date, at: time, tz: ZoneInfo) -> datetime:
    """`at` o'clock on `day` in `tz`, as UTC."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def dose_days(
    start: date, end: date | None, weekdays: Sequence[int], first: date, last: date
) -> Iterator[date]:
    """The days in [first, last] a therapy is taken: within start..end, on its weekdays."""
    day = max(first, start)
    stop = last if end is None else min(last, end)
    while day <= stop:
        if not weekdays or day.isoweekday() in weekdays:
            yield day
        day += timedelta(days=1)


def doses(
    *,
    times: Sequence[str],
    start: date,
    end: date | None,
    weekdays: Sequence[int],
    first: date,
    last: date,
    tz: ZoneInfo,
) -> Iterator[tuple[date, str, datetime]]:
    """(local day, "HH:MM", due in UTC) for every dose in [first, last]."""
    for day in dose_days(start, end, weekdays, first, last):
        for text in sorted(times):
            yield day, text, local_moment(day, parse_clock(text), tz)


def in_quiet_hours(moment: datetime, settings: Settings) -> bool:
    span = settings.quiet
    if span is None:
        return False
    start, end = span
    local = moment.astimezone(settings.tz).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end


def quiet_ends(moment: datetime, settings: Settings) -> datetime:
    """When the quiet hours `moment` falls in are over (UTC); `moment` itself outside them."""
    span = settings.quiet
    if span is None or not in_quiet_hours(moment, settings):
        return moment
    start, end = span
    tz = settings.tz
    local = moment.astimezone(tz)
    day = local.date()
    if start > end and local.time() >= start:
        day += timedelta(days=1)  # the evening part: quiet until tomorrow morning
    return local_moment(day, end, tz)


def not_before(moment: datetime, settings: Settings, *, night_ok: bool) -> datetime:
    """The earliest a message due at `moment` may go: at night only if it may wake someone."""
    return moment if night_ok else quiet_ends(moment, settings)
