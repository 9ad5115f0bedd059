"""A programme cycle's funnel: eligible -> invited -> delivered -> answered -> booked ->
attended, the other ways out (already done, declined, non-responders, unreachable), how each
message of the sequence converted, and the median time from invitation to appointment."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from storage.uow import UnitOfWork

STAGES = ("eligible", "invited", "delivered", "answered", "booked", "attended")
OUTCOMES = ("already_done", "declined", "snoozed", "non_responders", "unreachable")


@dataclass(frozen=True, slots=True)
class MessageFigures:
    """One message of the sequence: sent, delivered, and answered while it was the last."""

    step: int
    sent: int
    delivered: int
    answered: int

    @property
    def conversion(self) -> float | None:
        return self.answered / self.delivered if self.delivered else None


@dataclass(frozen=True, slots=True)
class Funnel:
    programme_id: str
    cycle: int
    counts: dict[str, int]
    messages: tuple[MessageFigures, ...]
    median_days_to_appointment: float | None
    appointments: int = 0  # how many waits the median is taken over

    def conversion(self, stage: str) -> float | None:
        """The share of the stage before that reached `stage` (None for the first, or 0/0)."""
        index = STAGES.index(stage)
        if index == 0:
            return None
        before = self.counts[STAGES[index - 1]]
        return self.counts[stage] / before if before else None


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


async def funnel(uow: UnitOfWork, programme_id: str, cycle: int) -> Funnel:
    cycles = {c.cycle: c for c in await uow.programmes.cycles_of(programme_id=programme_id)}
    counts = await uow.programmes.funnel_counts(programme_id=programme_id, cycle=cycle)
    known = cycles.get(cycle)
    counts["eligible"] = max(known.eligible if known else 0, counts["enrolled"])
    answered = await uow.programmes.answers_by_step(programme_id=programme_id, cycle=cycle)
    steps = await uow.programmes.step_counts(programme_id=programme_id, cycle=cycle)
    messages = tuple(MessageFigures(s, n, d, answered.get(s, 0)) for s, n, d in steps)
    waits = await uow.programmes.invitation_to_appointment(programme_id=programme_id, cycle=cycle)
    days = [(at - invited).total_seconds() / 86400 for invited, at in waits]
    middle = median(days) if days else None
    return Funnel(programme_id, cycle, counts, messages, middle, appointments=len(days))
