"""The KPI catalogue, as data: what each KPI measures, its category, unit, direction, and the
target and window the practice starts from (the practice overrides them in its settings).

Status rule, the same for every KPI (the definitions shown to staff repeat it):
on track  = the value meets the target (≥ when higher is better, ≤ otherwise);
at risk   = it misses the target by at most 10 % of the target (relative);
off track = it misses by more. No value (no data, or fewer than 5 patients): no status.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    OUTPUT = "output"  # what the desk did
    OUTCOME = "outcome"  # what changed for patients
    IMPACT = "impact"  # what it means over months


class Unit(StrEnum):
    PERCENT = "%"
    HOURS = "hours"
    DAYS = "days"
    COUNT = "count"
    SCORE = "score"


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"


# A window is the span a value is counted over, ending now (rolling, in days).
WINDOWS = {"daily": 1, "weekly": 7, "monthly": 30, "quarterly": 91}
# The targets a practice may set, per unit: anything else is a typo.
RANGES = {
    Unit.PERCENT: (0.0, 100.0),
    Unit.HOURS: (0.0, 24.0 * 30),
    Unit.DAYS: (0.0, 365.0),
    Unit.COUNT: (0.0, 1_000_000.0),
    Unit.SCORE: (0.0, 10.0),
}
AT_RISK_MARGIN = 0.10


@dataclass(frozen=True, slots=True)
class Kpi:
    """One KPI; its name and definition are catalog texts `kpi.<id>.name` / `.definition`."""

    id: str
    category: Category
    unit: Unit
    higher_is_better: bool
    target: float
    window: str
    # A snapshot (the backlog now) has a value but no history to draw.
    snapshot: bool = False
    # Counted over one follow-up programme (its id) instead of every one.
    programme: str | None = None

    @property
    def key(self) -> str:
        """What tells this line apart in a report: the id, and the programme's after a dot."""
        return self.id if self.programme is None else f"{self.id}.{self.programme}"

    @property
    def name_key(self) -> str:
        return f"kpi.{self.id}.name"

    @property
    def definition_key(self) -> str:
        return f"kpi.{self.id}.definition"

    @property
    def days(self) -> int:
        return WINDOWS[self.window]

    @property
    def range(self) -> tuple[float, float]:
        return RANGES[self.unit]

    def status(self, value: float | None) -> Status | None:
        """The rule of the module docstring; None where nothing can be said."""
        if value is None:
            return None
        miss = self.target - value if self.higher_is_better else value - self.target
        if miss <= 0:
            return Status.ON_TRACK
        if miss <= AT_RISK_MARGIN * abs(self.target):
            return Status.AT_RISK
        return Status.OFF_TRACK


OUT, OC, IMP = Category.OUTPUT, Category.OUTCOME, Category.IMPACT
P, H, D = Unit.PERCENT, Unit.HOURS, Unit.DAYS

CATALOGUE: tuple[Kpi, ...] = (
    Kpi("first_response_in_time", OC, P, True, 90, "monthly"),
    Kpi("first_response_median", OC, H, False, 24, "weekly"),
    Kpi("time_to_close_median", OC, H, False, 48, "monthly"),
    Kpi("time_to_close_p90", OC, H, False, 120, "monthly"),
    Kpi("backlog_age", OUT, D, False, 3, "daily", snapshot=True),
    Kpi("reminders_delivered", OUT, P, True, 95, "weekly"),
    Kpi("doses_confirmed", OC, P, True, 80, "weekly"),
    Kpi("appointments_confirmed", OC, P, True, 70, "monthly"),
    Kpi("no_show", OC, P, False, 5, "monthly"),
    Kpi("cancellations", OC, P, False, 10, "monthly"),
    Kpi("satisfaction_good", OC, P, True, 90, "quarterly"),
    Kpi("visit_to_appointment", OC, D, False, 7, "monthly"),
    Kpi("programme_booked", OC, P, True, 10, "monthly"),
    Kpi("invitation_to_appointment", OC, D, False, 30, "monthly"),
    Kpi("programme_reviewed", IMP, P, True, 70, "quarterly"),
)
BY_ID = {kpi.id: kpi for kpi in CATALOGUE}
# Counted for every programme together and, in the report, for each programme apart (with the
# same target and window).
PER_PROGRAMME = ("programme_booked", "programme_reviewed")
