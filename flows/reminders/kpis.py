"""Reminder KPIs for /stats: delivery, therapy adherence, and what appointment reminders led to.

Adherence counts the doses a patient was asked about: taken / (taken + skipped + unanswered);
doses never delivered (the bot was down past the grace window, the chat blocked) count against
delivery, not against the patient. Confirmation and cancellation rates are over appointments
that got at least one reminder; the no-show rate is over appointments staff marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select as sa_select
from sqlmodel import col

from storage.tables import Appointment, Reminder
from storage.uow import UnitOfWork

PATIENT_KINDS = ("therapy_dose", "appointment", "rating", "checkback")
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
    kpis = ReminderKpis()
    query = sa_select(
        col(Reminder.kind),
        col(Reminder.status),
        col(Reminder.answer),
        col(Reminder.sent_at),
        col(Reminder.appointment_id),
    ).where(
        col(Reminder.kind).in_(PATIENT_KINDS),
        col(Reminder.status).in_(SETTLED),
        col(Reminder.due_at) >= since,
        col(Reminder.due_at) <= now,
    )
    answers: dict[int, set[str]] = {}
    for kind, status, answer, sent_at, visit in (await uow.session.exec(query)).all():  # type: ignore[call-overload]
        if sent_at is None and status == "missed":
            kpis.undelivered += 1
            continue
        kpis.delivered += 1
        if kind == "therapy_dose":
            kpis.taken += status == "answered" and answer == "taken"
            kpis.skipped += status == "answered" and answer == "skipped"
            kpis.unanswered += status == "missed"
        elif kind == "appointment" and visit is not None:
            answers.setdefault(visit, set()).add(answer or "")
    kpis.reminded = len(answers)
    kpis.confirmed = sum("confirmed" in given for given in answers.values())
    kpis.cancelled = sum("cancelled" in given for given in answers.values())
    marked = sa_select(col(Appointment.status)).where(
        col(Appointment.status).in_(("attended", "no_show")),
        col(Appointment.starts_at) >= since,
        col(Appointment.starts_at) <= now,
    )
    for (status,) in (await uow.session.exec(marked)).all():  # type: ignore[call-overload]
        kpis.attended += status == "attended"
        kpis.no_show += status == "no_show"
    return kpis
