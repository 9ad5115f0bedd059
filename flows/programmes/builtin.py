"""The programmes every practice has, as data: flu vaccination, the diabetic's six-monthly review,
the hypertensive's yearly check, and a short demo for the sandbox. The practice's programme file
enables, edits or adds to them (`flows.programmes.loader`).

Flu vaccination is for the over-65s *or* the chronically ill; a segment narrows on every
criterion, so it is two programmes with disjoint segments (65 and over; under 65 with a chronic
tag) sharing their texts — nobody is in both, so nobody is invited twice.
"""

from __future__ import annotations

from typing import Final

from flows.programmes.model import Answer, EveryMonths, Once, Programme, Season, Segment, Step

# The practice's condition tags unless its programme file declares more.
DEFAULT_TAGS: Final = (
    "diabete",
    "ipertensione",
    "BPCO",
    "scompenso cardiaco",
    "fibrillazione atriale",
    "gravidanza",
    "fragile",
)
ALL_ANSWERS: Final = (Answer.BOOK, Answer.DONE, Answer.LATER, Answer.DECLINE)
FLU_AGE: Final = 65


def _steps(name: str, days: tuple[int, ...]) -> tuple[Step, ...]:
    return tuple(
        Step(day=day, text=f"programme.{name}.invite.{number}", buttons=ALL_ANSWERS)
        for number, day in enumerate(days, start=1)
    )


FLU_SEASON: Final = Season(first_month=10, last_month=12)
FLU_ELDERLY: Final = Programme(
    id="flu",
    title="programme.flu.title",
    segment=Segment(min_age=FLU_AGE),
    recurrence=FLU_SEASON,
    steps=_steps("flu", (0, 3, 7)),
    reason="programme.flu.reason",
)
FLU_CHRONIC: Final = Programme(
    id="flu_chronic",
    title="programme.flu_chronic.title",
    segment=Segment(max_age=FLU_AGE - 1, tags_any=DEFAULT_TAGS),
    recurrence=FLU_SEASON,
    steps=_steps("flu", (0, 3, 7)),
    reason="programme.flu.reason",
)
DIABETES: Final = Programme(
    id="diabetes",
    title="programme.diabetes.title",
    segment=Segment(tags_any=("diabete",)),
    recurrence=EveryMonths(months=6),
    steps=_steps("diabetes", (0, 14, 30)),
    reason="programme.diabetes.reason",
    final_wait_days=14,
)
HYPERTENSION: Final = Programme(
    id="hypertension",
    title="programme.hypertension.title",
    segment=Segment(tags_any=("ipertensione",)),
    recurrence=EveryMonths(months=12),
    steps=_steps("hypertension", (0, 14, 30)),
    reason="programme.hypertension.reason",
    final_wait_days=14,
)
# Days apart, so a sandbox visitor sees the sequence move with a few jumps of time travel.
DEMO: Final = Programme(
    id="demo",
    title="programme.demo.title",
    segment=Segment(),
    recurrence=Once(),
    steps=_steps("demo", (0, 1, 2)),
    reason="programme.demo.reason",
    final_wait_days=1,
)

BUILTIN: Final = (FLU_ELDERLY, FLU_CHRONIC, DIABETES, HYPERTENSION)


def builtin_programmes(*, sandbox: bool = False) -> tuple[Programme, ...]:
    """The built-ins; the demo only in the sandbox, where nobody real is invited."""
    return (*BUILTIN, DEMO) if sandbox else BUILTIN
