"""Visita: why, in person or by phone, and when suits the patient; staff then propose a slot."""

from __future__ import annotations

from flows.declarations import Choose, Option, Step, Typed
from flows.kinds.common import request_flow

VISIT = request_flow(
    "visit",
    Step(
        "reason",
        prompt="visit.reason",
        input=Typed("reason", max_length=200),
        summary_label="visit.label.reason",
    ),
    Step(
        "modality",
        prompt="visit.modality",
        input=Choose(
            key="modality",
            options=(
                Option("in_person", "visit.modality.in_person"),
                Option("phone", "visit.modality.phone"),
            ),
        ),
        summary_label="visit.label.modality",
    ),
    Step(
        "days",
        prompt="visit.days",
        input=Choose(
            key="days",
            multiple=True,
            columns=2,
            options=(
                Option("mon", "visit.days.mon"),
                Option("tue", "visit.days.tue"),
                Option("wed", "visit.days.wed"),
                Option("thu", "visit.days.thu"),
                Option("fri", "visit.days.fri"),
                Option("any", "visit.days.any", exclusive=True),
            ),
        ),
        summary_label="visit.label.days",
    ),
    Step(
        "time",
        prompt="visit.time",
        input=Choose(
            key="time_of_day",
            options=(
                Option("morning", "visit.time.morning"),
                Option("afternoon", "visit.time.afternoon"),
                Option("any", "visit.time.any"),
            ),
        ),
        summary_label="visit.label.time",
    ),
    icon="🩺",
    rank=50,
    links=("visita",),
)

KIND = VISIT
