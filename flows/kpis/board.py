"""The practice's KPIs against their targets: the one source of the report's KPI section, the
Monday card and the /stats card.

    board(uow, settings, now) -> Board

For every KPI of the practice's catalogue (`settings.kpis`: the defaults with the practice's
targets and windows), a `Line` holds:
- `current`: the value over the KPI's window (rolling, ending `now`), `previous`: over the window
  before it; `trend` = current - previous (None when either is unknown or hidden);
- `status`: on track / at risk / off track by the catalogue's rule, None where nothing can be said;
- `weekly` / `monthly`: the last 12 calendar weeks and months (practice's time zone; the last one
  runs to `now`), oldest first, as `Point(label, Figure)`.
A `Figure` is a value or nothing: `hidden` when it stands on fewer than 5 patients (shown "< 5"),
`value` None when nothing was counted (shown "—"). Percentages are 0–100. Aggregates only: no
names, no answers. A snapshot KPI (the backlog now) has a current value and no series.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from flows.kpis.catalogue import PER_PROGRAMME, Kpi, Status, Unit
from flows.kpis.measures import (
    MIN_PATIENTS,
    Figures,
    load,
    measure_of,
    sources,
    too_few_patients,
    value,
)
from flows.kpis.periods import Frame, Span, frame, window
from flows.settings import Settings
from storage.uow import UnitOfWork

NOTHING = "—"
FEW = f"< {MIN_PATIENTS}"


@dataclass(frozen=True, slots=True)
class Figure:
    value: float | None
    hidden: bool = False

    @property
    def known(self) -> float | None:
        """The value where it may be shown, else None."""
        return None if self.hidden else self.value

    def text(self, unit: Unit) -> str:
        if self.hidden:
            return FEW
        if self.value is None:
            return NOTHING
        if unit is Unit.PERCENT:
            return f"{self.value:.0f}%"
        if unit is Unit.COUNT:
            return f"{self.value:.0f}"
        return f"{self.value:.1f}"


@dataclass(frozen=True, slots=True)
class Point:
    label: str
    figure: Figure


@dataclass(frozen=True, slots=True)
class Line:
    kpi: Kpi
    current: Figure
    previous: Figure
    status: Status | None
    weekly: tuple[Point, ...]
    monthly: tuple[Point, ...]
    # The programme's title in words, on a line counted over one programme (`kpi.programme`).
    programme_title: str | None = None

    @property
    def trend(self) -> float | None:
        now, before = self.current.known, self.previous.known
        return None if now is None or before is None else now - before


@dataclass(frozen=True, slots=True)
class Board:
    now: datetime
    lines: tuple[Line, ...]


async def _figure(uow: UnitOfWork, kpi: Kpi, figures: Figures, where: Frame, span: Span) -> Figure:
    measure = measure_of(kpi)
    segments = where.segments(span)
    result = value(measure, figures, segments)
    if result is None:
        return Figure(None)
    if await too_few_patients(uow, measure, figures, segments):
        return Figure(None, hidden=True)
    return Figure(result)


async def _backlog(uow: UnitOfWork, kpi: Kpi, now: datetime) -> Line:
    days, patients = await uow.kpis.open_backlog(now=now, at_most=MIN_PATIENTS)
    if days is None:
        current = Figure(None)
    else:
        current = Figure(None, hidden=True) if patients < MIN_PATIENTS else Figure(days)
    return Line(kpi, current, Figure(None), kpi.status(current.known), (), ())


def _first_segments(settings: Settings, where: Frame) -> dict[str, int]:
    """Per question storage answers, the first segment a window needs: without the series, the
    card reads two windows, and a question only its KPIs' windows (weeks, not a year)."""
    first: dict[str, int] = {}
    for kpi in settings.kpis:
        if kpi.snapshot:
            continue
        start = where.segments(window(where.now, kpi.window, back=1)).start
        for name in sources(measure_of(kpi)):
            first[name] = min(first.get(name, start), start)
    return first


def _per_programme(
    settings: Settings, ids: list[str], titles: Mapping[str, str]
) -> list[tuple[Kpi, str | None]]:
    """The practice's KPIs, each followed by its lines for every programme (`PER_PROGRAMME`,
    with the programme's own target where the practice set one): declared programmes in their
    order, then any other anybody was enrolled in, by id."""
    order = {programme: index for index, programme in enumerate(titles)}
    ids = sorted(ids, key=lambda programme: (order.get(programme, len(order)), programme))
    own = settings.programme_kpis
    out: list[tuple[Kpi, str | None]] = []
    for kpi in settings.kpis:
        out.append((kpi, None))
        if kpi.id in PER_PROGRAMME:
            for p in ids:
                line = own.get(f"{kpi.id}.{p}", replace(kpi, programme=p))
                out.append((line, titles.get(p, p)))
    return out


async def board(
    uow: UnitOfWork,
    settings: Settings,
    now: datetime,
    *,
    series: bool = True,
    programmes: Mapping[str, str] | None = None,
) -> Board:
    """Every KPI of the practice, as the module docstring says; without `series`, each line's
    `weekly` and `monthly` are empty and only the windows are counted (the card needs no more,
    and gets the same values, status and trend). With `programmes` (titles by id, in the order
    they are declared), the programme KPIs get a line for each programme too."""
    where = frame(now, settings.tz, series=series)
    ids = [] if programmes is None else await uow.kpis.programmes()
    kpis = _per_programme(settings, ids, programmes or {})
    first = {} if series else _first_segments(settings, where)
    figures = await load(uow, where.bounds, where.now, first, ids)
    lines = []
    for kpi, title in kpis:
        if kpi.snapshot:
            lines.append(await _backlog(uow, kpi, where.now))
            continue
        current = await _figure(uow, kpi, figures, where, window(where.now, kpi.window))
        previous = await _figure(uow, kpi, figures, where, window(where.now, kpi.window, back=1))
        weekly = tuple(
            [Point(s.label, await _figure(uow, kpi, figures, where, s)) for s in where.weeks]
        )
        monthly = tuple(
            [Point(s.label, await _figure(uow, kpi, figures, where, s)) for s in where.months]
        )
        status = kpi.status(current.known)
        lines.append(Line(kpi, current, previous, status, weekly, monthly, title))
    return Board(where.now, tuple(lines))
