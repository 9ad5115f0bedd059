"""The spans a KPI is counted over, in the practice's time zone: the last 12 calendar weeks
(Monday to Sunday) and months, each ending at `now` at the latest, and each window (rolling,
ending now) with the one before it for the trend. Their edges, in UTC, are the bounds storage
segments its aggregates by; every span is a run of whole segments."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flows.kpis.catalogue import WINDOWS

POINTS = 12


@dataclass(frozen=True, slots=True)
class Span:
    label: str  # 2026-W49 or 2026-12: what a chart's axis shows
    start: datetime
    end: datetime


def _local_midnight(day: datetime, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


def weeks(now: datetime, tz: ZoneInfo) -> list[Span]:
    local = now.astimezone(tz)
    monday = local - timedelta(days=local.weekday())
    spans = []
    for back in range(POINTS - 1, -1, -1):
        first = monday - timedelta(weeks=back)
        start = _local_midnight(first, tz)
        end = min(now, _local_midnight(first + timedelta(weeks=1), tz))
        year, week, _ = first.isocalendar()
        spans.append(Span(f"{year}-W{week:02d}", start, end))
    return spans


def months(now: datetime, tz: ZoneInfo) -> list[Span]:
    local = now.astimezone(tz)
    spans = []
    for back in range(POINTS - 1, -1, -1):
        index = local.year * 12 + local.month - 1 - back
        year, month = divmod(index, 12)
        after_year, after_month = divmod(index + 1, 12)
        start = datetime(year, month + 1, 1, tzinfo=tz).astimezone(UTC)
        end = min(now, datetime(after_year, after_month + 1, 1, tzinfo=tz).astimezone(UTC))
        spans.append(Span(f"{year}-{month + 1:02d}", start, end))
    return spans


def window(now: datetime, name: str, *, back: int = 0) -> Span:
    """The rolling window `name` ending now (back=0) or the one before it (back=1)."""
    days = timedelta(days=WINDOWS[name])
    end = now - back * days
    return Span(name, end - days, end)


@dataclass(frozen=True, slots=True)
class Frame:
    """Every span of one board and the ascending bounds storage segments by."""

    now: datetime
    weeks: list[Span]
    months: list[Span]
    bounds: list[datetime]

    def segments(self, span: Span) -> range:
        """The indices of the segments that make up `span`."""
        return range(bisect_left(self.bounds, span.start), bisect_left(self.bounds, span.end))


def frame(now: datetime, tz: ZoneInfo, *, series: bool = True) -> Frame:
    """The board's spans; without `series`, only the windows (what the card shows)."""
    now = now.astimezone(UTC)
    by_week, by_month = (weeks(now, tz), months(now, tz)) if series else ([], [])
    edges = {now}
    for span in (*by_week, *by_month):
        edges |= {span.start, span.end}
    for name in WINDOWS:
        for back in (0, 1):
            edges.add(window(now, name, back=back).start)
    return Frame(now, by_week, by_month, sorted(edges))
