"""Where the satisfaction KPI's counts come from, in one switchable function.

The six-answer question: answers "very good" and "good" over the answers that say something
("don't know" left out), by when the question was asked, as /stats counts them. The old 1–5
stars are not converted into answers nobody gave: /stats and the report show them apart, as the
old scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from storage.repositories.kpis import Counts
from storage.uow import UnitOfWork

SOURCE = "satisfaction"  # the patients behind the figure, as storage counts them exactly


async def satisfaction_counts(uow: UnitOfWork, bounds: Sequence[datetime]) -> Counts:
    """Per segment: `answers`, `good` among them, and `patients`."""
    return await uow.kpis.satisfaction_counts(bounds=bounds)
