"""How each KPI's value is made from storage's per-segment figures: a ratio of two counts or a
quantile of a histogram of durations, and whose patients it is computed over."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flows.kpis.satisfaction import SOURCE as SATISFACTION_SOURCE
from flows.kpis.satisfaction import satisfaction_counts
from storage.repositories.kpis import BINS_PER_UNIT, LANES, Counts, Histogram
from storage.uow import UnitOfWork

# A figure over fewer patients than this is shown as "< 5", never as its value.
MIN_PATIENTS = 5


@dataclass(frozen=True, slots=True)
class Ratio:
    counts: str
    part: str
    whole: str
    patients: str  # the field of `counts` counting the figure's patients per segment
    source: str  # the same patients, as storage counts them exactly over any span


@dataclass(frozen=True, slots=True)
class Quantile:
    histogram: str
    fraction: float
    counts: str
    patients: str
    source: str


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


@dataclass(slots=True)
class Figures:
    """Everything storage answered for one board, per segment of its bounds."""

    bounds: list[datetime]
    now: datetime
    counts: dict[str, Counts] = field(default_factory=dict)
    histograms: dict[str, Histogram] = field(default_factory=dict)


async def load(uow: UnitOfWork, bounds: list[datetime], now: datetime) -> Figures:
    """One aggregate query per question, over every segment at once."""
    kpis = uow.kpis
    figures = Figures(bounds, now)
    figures.counts = {
        "requests": await kpis.request_counts(bounds=bounds, now=now),
        "reminders": await kpis.reminder_counts(bounds=bounds),
        "attendance": await kpis.attendance_counts(bounds=bounds),
        "satisfaction": await satisfaction_counts(uow, bounds),
        "visit_wait": await kpis.visit_wait_patients(bounds=bounds),
        "invitations": await kpis.invitation_counts(bounds=bounds),
        "reviews": await kpis.review_counts(bounds=bounds),
    }
    figures.histograms = {
        "response": await kpis.first_response_hours(bounds=bounds),
        "close": await kpis.close_hours(bounds=bounds),
        "visit_wait": await kpis.visit_wait_days(bounds=bounds),
        "invitation_wait": await kpis.invitation_wait_days(bounds=bounds),
    }
    return figures


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
    )
    return exact < MIN_PATIENTS
