"""How each KPI's value is made from storage's per-segment figures: a ratio of two counts or a
quantile of a histogram of durations, and whose patients it is computed over."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, TypeVar

from flows.kpis.catalogue import Kpi
from flows.kpis.satisfaction import SOURCE as SATISFACTION_SOURCE
from flows.kpis.satisfaction import satisfaction_counts
from storage.repositories.kpis import BINS_PER_UNIT, LANES, Counts, Histogram
from storage.uow import UnitOfWork

# A figure over fewer patients than this is shown as "< 5", never as its value.
MIN_PATIENTS = 5
NO_SKIP: Mapping[str, int] = {}
T = TypeVar("T")
Question = Callable[[list[datetime]], Awaitable[dict[int, T]]]


@dataclass(frozen=True, slots=True)
class Ratio:
    counts: str
    part: str
    whole: str
    patients: str  # the field of `counts` counting the figure's patients per segment
    source: str  # the same patients, as storage counts them exactly over any span
    programme: str | None = None  # the one programme counted, for a programme's own line


@dataclass(frozen=True, slots=True)
class Quantile:
    histogram: str
    fraction: float
    counts: str
    patients: str
    source: str
    programme: str | None = None


Measure = Ratio | Quantile

MEASURES: dict[str, Measure] = {
    "first_response_in_time": Ratio("requests", "in_time", "due", "patients", "requests"),
    "first_response_median": Quantile("response", 0.5, "requests", "answered_patients", "answered"),
    "time_to_close_median": Quantile("close", 0.5, "requests", "closed_patients", "closed"),
    "time_to_close_p90": Quantile("close", 0.9, "requests", "closed_patients", "closed"),
    "reminders_delivered": Ratio("reminders", "delivered", "settled", "patients", "reminders"),
    "doses_confirmed": Ratio("reminders", "taken", "asked", "dose_patients", "doses"),
    "appointments_confirmed": Ratio(
        "reminders", "confirmed", "reminded", "visit_patients", "visits"
    ),
    "cancellations": Ratio("reminders", "cancelled", "reminded", "visit_patients", "visits"),
    "no_show": Ratio("attendance", "no_show", "marked", "patients", "attendance"),
    "satisfaction_good": Ratio("satisfaction", "good", "answers", "patients", SATISFACTION_SOURCE),
    "visit_to_appointment": Quantile("visit_wait", 0.5, "visit_wait", "patients", "visit_wait"),
    "programme_booked": Ratio("invitations", "booked", "invited", "patients", "invitations"),
    "invitation_to_appointment": Quantile(
        "invitation_wait", 0.5, "invitations", "booked_patients", "booked"
    ),
    "programme_reviewed": Ratio("reviews", "reviewed", "due", "patients", "reviews"),
}


def measure_of(kpi: Kpi) -> Measure:
    """How `kpi`'s value is made; a programme's own line reads that programme's counts
    (`load` asks for them as "<counts>@<programme id>")."""
    measure = MEASURES[kpi.id]
    if kpi.programme is None:
        return measure
    return replace(measure, counts=f"{measure.counts}@{kpi.programme}", programme=kpi.programme)


@dataclass(slots=True)
class Figures:
    """Everything storage answered for one board, per segment of its bounds."""

    bounds: list[datetime]
    now: datetime
    counts: dict[str, Counts] = field(default_factory=dict)
    histograms: dict[str, Histogram] = field(default_factory=dict)


def _shifted(by_segment: dict[int, T], first: int) -> dict[int, T]:
    return {segment + first: row for segment, row in by_segment.items()}


async def load(
    uow: UnitOfWork,
    bounds: list[datetime],
    now: datetime,
    first: Mapping[str, int] = NO_SKIP,
    programmes: Sequence[str] = (),
) -> Figures:
    """One aggregate query per question, over every segment at once, or from segment
    `first[name]` on where the caller needs no earlier one (the card reads two windows, not a
    year): segment numbers stay those of `bounds`. Each of `programmes` gets its own
    invitation and review counts. Where storage can (`side_by_side`), the questions run at
    once."""
    kpis = uow.kpis

    async def ask(name: str, question: Question[T]) -> dict[int, T]:
        skip = first.get(name, 0)
        return _shifted(await question(bounds[skip:]), skip)

    # (counts or histogram, name, question), the biggest scans first, so that side by side the
    # last to start is a short one.
    questions: list[tuple[str, str, Question[Any]]] = [
        ("counts", "reminders", lambda b: kpis.reminder_counts(bounds=b)),
        ("counts", "requests", lambda b: kpis.request_counts(bounds=b, now=now)),
        ("histograms", "response", lambda b: kpis.first_response_hours(bounds=b)),
        ("histograms", "close", lambda b: kpis.close_hours(bounds=b)),
        ("counts", "attendance", lambda b: kpis.attendance_counts(bounds=b)),
        ("counts", "satisfaction", lambda b: satisfaction_counts(uow, b)),
        ("counts", "visit_wait", lambda b: kpis.visit_wait_patients(bounds=b)),
        ("counts", "invitations", lambda b: kpis.invitation_counts(bounds=b)),
        ("counts", "reviews", lambda b: kpis.review_counts(bounds=b)),
        ("histograms", "visit_wait", lambda b: kpis.visit_wait_days(bounds=b)),
        ("histograms", "invitation_wait", lambda b: kpis.invitation_wait_days(bounds=b)),
    ]

    def own(programme: str) -> list[tuple[str, str, Question[Any]]]:
        """One programme's invitation and review counts, under "<name>@<programme id>"."""
        return [
            ("counts", f"invitations@{programme}",
             lambda b: kpis.invitation_counts(bounds=b, programme=programme)),
            ("counts", f"reviews@{programme}",
             lambda b: kpis.review_counts(bounds=b, programme=programme)),
        ]  # fmt: skip

    for programme in programmes:
        questions += own(programme)
    if kpis.side_by_side:
        answers = await asyncio.gather(*(ask(name, question) for _, name, question in questions))
    else:
        answers = [await ask(name, question) for _, name, question in questions]
    figures = Figures(bounds, now)
    for (kind, name, _), answer in zip(questions, answers, strict=True):
        (figures.counts if kind == "counts" else figures.histograms)[name] = answer
    return figures


def sources(measure: Measure) -> tuple[str, ...]:
    """The names of `load`'s questions `measure` is made from (a count and a histogram of the
    same name share their `first`: the smallest asked for either is taken)."""
    if isinstance(measure, Ratio):
        return (measure.counts,)
    return (measure.counts, measure.histogram)


def quantile(histogram: dict[int, int], fraction: float) -> float | None:
    """The nearest-rank quantile of a histogram, at the middle of its bin."""
    total = sum(histogram.values())
    if not total:
        return None
    rank, seen = max(1, math.ceil(fraction * total)), 0
    for bin_, n in sorted(histogram.items()):
        seen += n
        if seen >= rank:
            return (bin_ + 0.5) / BINS_PER_UNIT
    return None  # pragma: no cover - the loop always reaches the rank


def value(measure: Measure, figures: Figures, segments: Iterable[int]) -> float | None:
    chosen = list(segments)
    if isinstance(measure, Ratio):
        counts = figures.counts[measure.counts]
        part = sum(counts.get(s, {}).get(measure.part, 0) for s in chosen)
        whole = sum(counts.get(s, {}).get(measure.whole, 0) for s in chosen)
        return 100.0 * part / whole if whole else None
    merged: dict[int, int] = {}
    histogram = figures.histograms[measure.histogram]
    for s in chosen:
        for bin_, n in histogram.get(s, {}).items():
            merged[bin_] = merged.get(bin_, 0) + n
    return quantile(merged, measure.fraction)


async def too_few_patients(
    uow: UnitOfWork, measure: Measure, figures: Figures, segments: range
) -> bool:
    """Whether the figure over `segments` stands on fewer than MIN_PATIENTS patients. The
    per-segment counts bound it: rows with a patient from above, the patient-id lanes seen from
    below (see storage's `_patients`); storage is asked for the exact count only when they
    leave it open, which large practices never do."""
    counts = figures.counts[measure.counts]
    rows = [counts.get(s, {}) for s in segments]
    if sum(row.get(measure.patients, 0) for row in rows) < MIN_PATIENTS:
        return True
    seen = 0
    for row in rows:
        seen |= row.get(f"{measure.patients}#lanes", 0)
    lanes = sum(1 for lane in range(LANES) if seen >> lane & 1)
    if lanes >= MIN_PATIENTS:
        return False
    exact = await uow.kpis.distinct_patients(
        source=measure.source,
        since=figures.bounds[segments.start],
        until=figures.bounds[segments.stop],
        now=figures.now,
        programme=measure.programme,
    )
    return exact < MIN_PATIENTS
