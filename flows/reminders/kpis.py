"""Reminder KPIs for /stats: delivery, therapy adherence, and what appointment reminders led to.

Adherence counts the doses a patient was asked about: taken / (taken + skipped + unanswered);
doses never delivered (the bot was down past the grace window, the chat blocked) count against
delivery, not against the patient. Confirmation and cancellation rates are over appointments
that got at least one reminder; the no-show rate is over appointments staff marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.uow import UnitOfWork

PATIENT_KINDS = ("therapy_dose", "appointment", "rating", "satisfaction", "checkback")
SETTLED = ("sent", "answered", "missed")


@dataclass(slots=True)
class ReminderKpis:
    delivered: int = 0
    undelivered: int = 0
    taken: int = 0
    skipped: int = 0
    unanswered: int = 0
    reminded: int = 0  # appointments with a reminder delivered
    confirmed: int = 0
    cancelled: int = 0
    attended: int = 0
    no_show: int = 0

    @property
    def delivery(self) -> float | None:
        total = self.delivered + self.undelivered
        return self.delivered / total if total else None

    @property
    def adherence(self) -> float | None:
        asked = self.taken + self.skipped + self.unanswered
        return self.taken / asked if asked else None

    @property
    def confirmation_rate(self) -> float | None:
        return self.confirmed / self.reminded if self.reminded else None

    @property
    def cancellation_rate(self) -> float | None:
        return self.cancelled / self.reminded if self.reminded else None

    @property
    def no_show_rate(self) -> float | None:
        marked = self.attended + self.no_show
        return self.no_show / marked if marked else None


async def compute(uow: UnitOfWork, *, since: datetime, now: datetime) -> ReminderKpis:
    counts = await uow.reminders.outcome_counts(
        kinds=PATIENT_KINDS, statuses=SETTLED, since=since, until=now
    )
    kpis = ReminderKpis(**counts)
    for status in await uow.appointments.marked_between(since=since, until=now):
        kpis.attended += status == "attended"
        kpis.no_show += status == "no_show"
    return kpis
