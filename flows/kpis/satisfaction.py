"""Where the satisfaction KPI's counts come from, in one switchable function.

Today: the star ratings, 4 or 5 stars counting as "good or very good" (the old 1–5 scale).
When the six-answer question's table is in storage, this is the one function to switch: count
answers "very good" and "good" over answers given, "don't know" left out, by time of answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from storage.repositories.kpis import Counts
from storage.uow import UnitOfWork

GOOD_STARS = 4
SOURCE = "ratings"  # the patients behind the figure, as storage counts them exactly


async def satisfaction_counts(uow: UnitOfWork, bounds: Sequence[datetime]) -> Counts:
    """Per segment: `answers`, `good` among them, and `patients`."""
    return await uow.kpis.rating_counts(bounds=bounds, good=GOOD_STARS)
