"""Working days and opening hours of the practice, reckoned in the practice's own timezone.

Closed days are Italian national public holidays (from the ``holidays`` package: no regional or
patron-saint days) plus any dates the practice configures as ``extra_closed_days``. Working days
are Monday to Friday minus those; opening hours say for themselves whether Saturday counts.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

END_OF_DAY = time(23, 59, 59)
Interval = tuple[time, time]


@functools.cache
def _national_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("IT", years=year))


HOLIDAY_LANGUAGES = {"it": "it_IT", "en": "en_US"}


@functools.cache
def _holiday_names(year: int, language: str) -> dict[date, str]:
    return dict(holidays.country_holidays("IT", years=year, language=language).items())


def holiday_name(day: date, lang: str = "it") -> str | None:
    """The national public holiday on `day`, by its name in `lang`, or None on other days."""
    return _holiday_names(day.year, HOLIDAY_LANGUAGES.get(lang, "it_IT")).get(day)


def _is_holiday(day: date, closed: frozenset[date]) -> bool:
    return day in closed or day in _national_holidays(day.year)


def _is_working(day: date, closed: frozenset[date]) -> bool:
    return day.weekday() < 5 and not _is_holiday(day, closed)


def _require_aware(moment: datetime) -> None:
    if moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no timezone; the calendar only takes aware datetimes")


def is_working_day(day: date, *, extra_closed_days: Iterable[date] = ()) -> bool:
    return _is_working(day, frozenset(extra_closed_days))


def add_working_days(
    start: datetime,
    days: int,
    *,
    tz: ZoneInfo,
    extra_closed_days: Iterable[date] = (),
    day_ends_at: time = END_OF_DAY,
) -> datetime:
    """When a request that arrived at ``start`` is due, if the practice answers in ``days``.

    The promise "answer within N working days" means: by the end of the N-th working day after
    the day the request arrived, in the practice's timezone ``tz``. The arrival day itself is
    never counted, whatever the hour, so with N=2 a request sent on Friday is due at the end of
    Tuesday, and so is one sent on Saturday or Sunday. "End of the day" is ``day_ends_at``
    (23:59:59 unless the practice passes its closing time); a request arriving after that time
    counts as arriving the next day. N=0 means by the end of the arrival day if that is a working
    day, else of the next working day. The result is in UTC; computing on local dates keeps it
    right across the March and October clock changes.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    _require_aware(start)
    closed = frozenset(extra_closed_days)
    local = start.astimezone(tz)
    day = local.date() + timedelta(days=1) if local.time() > day_ends_at else local.date()
    if days == 0:
        while not _is_working(day, closed):
            day += timedelta(days=1)
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if _is_working(day, closed):
            remaining -= 1
    return datetime.combine(day, day_ends_at, tzinfo=tz).astimezone(UTC)


def working_days_between(
    start: datetime, end: datetime, *, tz: ZoneInfo, extra_closed_days: Iterable[date] = ()
) -> float:
    """Business time from ``start`` to ``end`` in working days, for response-time statistics.

    Each working day contributes the share of its local 24 hours (23 or 25 on clock-change days)
    that lies between the two moments; weekends and holidays contribute nothing. Friday 18:00 to
    Monday 06:00 is 0.5. Negative when ``end`` precedes ``start``.
    """
    _require_aware(start)
    _require_aware(end)
    if end < start:
        return -working_days_between(end, start, tz=tz, extra_closed_days=extra_closed_days)
    closed = frozenset(extra_closed_days)
    # Arithmetic in UTC: subtracting two datetimes sharing a ZoneInfo ignores DST shifts.
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    total = 0.0
    day, last = start.astimezone(tz).date(), end.astimezone(tz).date()
    while day <= last:
        if _is_working(day, closed):
            day_start = datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)
            day_end = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
            total += (min(end, day_end) - max(start, day_start)) / (day_end - day_start)
        day += timedelta(days=1)
    return total


_EN_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_IT_DAYS = ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica")
_DAY_TOKENS = {
    token: index
    for names in (_EN_DAYS, _IT_DAYS)
    for index, name in enumerate(names)
    for token in (name, name.replace("ì", "i"), name[:3])
}
_DAY_LABELS = {
    "it": ("lun", "mar", "mer", "gio", "ven", "sab", "dom"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_CLAUSE = re.compile(r"(\D+?)\s+(\d.*)")
_INTERVAL = re.compile(r"(\d{1,2})[:.](\d{2})\s*[-–]\s*(\d{1,2})[:.](\d{2})")
_SETTING_EXAMPLE = "'mon-fri 08:30-12:30,15:00-18:00; sat 09:00-12:00'"
# How far next_opening looks before giving up: a closure longer than a year is a setting error.
_SEARCH_DAYS = 400


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """The weekly timetable; ``week[0]`` holds Monday's intervals, as ``date.weekday()`` counts."""

    week: tuple[tuple[Interval, ...], ...]

    @classmethod
    def parse(cls, text: str) -> OpeningHours:
        """Read the setting, e.g. ``"lun-ven 08:30-12:30,15:00-18:00; sab 09:00-12:00"``."""
        week: list[tuple[Interval, ...] | None] = [None] * 7
        clauses = [c.strip() for c in re.split(r"[;\n]", text.lower()) if c.strip()]
        if not clauses:
            raise ValueError(f"opening hours are empty; write them like {_SETTING_EXAMPLE}")
        for clause in clauses:
            match = _CLAUSE.fullmatch(clause)
            if match is None:
                raise ValueError(
                    f"cannot read {clause!r}: give days then hours, like {_SETTING_EXAMPLE}"
                )
            intervals = _parse_intervals(match[2], clause)
            for weekday in _parse_days(match[1], clause):
                if week[weekday] is not None:
                    raise ValueError(f"{_EN_DAYS[weekday]} is given more than once in {text!r}")
                week[weekday] = intervals
        return cls(tuple(day or () for day in week))

    def intervals_on(
        self, day: date, *, extra_closed_days: Iterable[date] = ()
    ) -> tuple[Interval, ...]:
        return () if _is_holiday(day, frozenset(extra_closed_days)) else self.week[day.weekday()]

    def is_open(
        self, at: datetime, *, tz: ZoneInfo, extra_closed_days: Iterable[date] = ()
    ) -> bool:
        _require_aware(at)
        local = at.astimezone(tz)
        now = local.time()
        intervals = self.intervals_on(local.date(), extra_closed_days=extra_closed_days)
        return any(opens <= now < closes for opens, closes in intervals)

    def next_opening(
        self, after: datetime, *, tz: ZoneInfo, extra_closed_days: Iterable[date] = ()
    ) -> datetime:
        """The first moment at or after ``after`` when the practice is open, in UTC.

        That is ``after`` itself while the practice is open. Raises ``LookupError`` when the
        configured closures leave no opening within about a year.
        """
        closed = frozenset(extra_closed_days)
        if self.is_open(after, tz=tz, extra_closed_days=closed):
            return after.astimezone(UTC)
        day = after.astimezone(tz).date()
        for _ in range(_SEARCH_DAYS):
            for opens, _closes in self.intervals_on(day, extra_closed_days=closed):
                opening = datetime.combine(day, opens, tzinfo=tz)
                if opening > after:
                    return opening.astimezone(UTC)
            day += timedelta(days=1)
        raise LookupError(f"the practice does not open within {_SEARCH_DAYS} days of {after}")

    def describe(self, lang: str) -> list[tuple[str, str]]:
        """Rows of (days, hours) such as ``("lun–ven", "08:30–12:30, 15:00–18:00")``.

        Days with the same hours share a row; closed days are left out. Day names are Italian
        for ``it`` and English otherwise.
        """
        labels = _DAY_LABELS.get(lang.split("-")[0].lower(), _DAY_LABELS["en"])
        groups: dict[tuple[Interval, ...], list[int]] = {}
        for weekday, intervals in enumerate(self.week):
            if intervals:
                groups.setdefault(intervals, []).append(weekday)
        return [
            (_describe_days(days, labels), ", ".join(f"{o:%H:%M}–{c:%H:%M}" for o, c in hours))
            for hours, days in groups.items()
        ]


def _describe_days(days: list[int], labels: tuple[str, ...]) -> str:
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    # Two days read better as a list ("sab, dom") than as a range.
    parts = [
        f"{labels[run[0]]}–{labels[run[-1]]}" if len(run) > 2 else ", ".join(labels[d] for d in run)
        for run in runs
    ]
    return ", ".join(parts)


def _parse_days(spec: str, clause: str) -> list[int]:
    days: list[int] = []
    for item in spec.replace(" ", "").split(","):
        ends = re.split(r"[-–]", item)
        if len(ends) > 2 or not all(end in _DAY_TOKENS for end in ends):
            raise ValueError(f"cannot read days {item!r} in {clause!r}: use mon..sun or lun..dom")
        first, last = _DAY_TOKENS[ends[0]], _DAY_TOKENS[ends[-1]]
        days.extend((first + offset) % 7 for offset in range((last - first) % 7 + 1))
    return days


def _parse_intervals(spec: str, clause: str) -> tuple[Interval, ...]:
    intervals: list[Interval] = []
    for item in spec.replace(" ", "").split(","):
        match = _INTERVAL.fullmatch(item)
        if match is None:
            raise ValueError(f"cannot read hours {item!r} in {clause!r}: use HH:MM-HH:MM")
        try:
            opens = time(int(match[1]), int(match[2]))
            closes = time(int(match[3]), int(match[4]))
        except ValueError:
            raise ValueError(f"{item!r} in {clause!r} is not a time of day") from None
        if closes <= opens:
            raise ValueError(f"{item!r} in {clause!r} closes before it opens")
        intervals.append((opens, closes))
    intervals.sort()
    for (_, previous_close), (next_open, _) in itertools.pairwise(intervals):
        if next_open < previous_close:
            raise ValueError(f"hours overlap in {clause!r}")
    return tuple(intervals)
