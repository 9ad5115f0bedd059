"""Where the satisfaction KPI's counts come from, in one switchable function: the answers to
"how was your experience with our service?", "very good" and "good" over answers given ("don't
know" left out), by time of answer. The old 1–5 stars are not converted into answers nobody
gave: they stay in /stats and the report as the old scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from storage.repositories.kpis import Counts
from storage.uow import UnitOfWork

SOURCE = "answers"  # the patients behind the figure, as storage counts them exactly


async def satisfaction_counts(uow: UnitOfWork, bounds: Sequence[datetime]) -> Counts:
    """Per segment: `answers`, `good` among them, and `patients`."""
    return await uow.kpis.answer_counts(bounds=bounds)
