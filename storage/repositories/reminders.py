"""Reminders, therapies, appointments and caregivers: the rows the scheduler plans and reads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, distinct, exists, or_, update
from sqlalchemy import select as core_select
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.repositories.outbox import insert_ignoring
from storage.tables import Appointment, Reminder, Therapy

SCHEDULED = "scheduled"
QUEUED = "queued"
SENT = "sent"
ANSWERED = "answered"
MISSED = "missed"
CANCELLED = "cancelled"


class ReminderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def plan(self, *, rows: Sequence[dict[str, Any]]) -> int:
        """Add reminders; one whose idempotency key is already planned is skipped."""
        return await insert_ignoring(self._session, Reminder, rows, key="idempotency_key")

    async def get(self, *, reminder_id: int, for_update: bool = False) -> Reminder | None:
        query = select(Reminder).where(Reminder.id == reminder_id)
        if for_update:
            query = query.with_for_update()
        return (await self._session.exec(query)).first()

    async def save(self, *, reminder: Reminder) -> None:
        self._session.add(reminder)
        await self._session.flush()

    async def save_all(self, *, reminders: Iterable[Reminder]) -> None:
        """Several changed at once (a batch of answer windows closed), flushed together."""
        self._session.add_all(list(reminders))
        await self._session.flush()

    async def rating_prompt(self, *, request_id: int) -> Reminder | None:
        """The reminder that asked for this request's rating, if one was planned."""
        query = select(Reminder).where(Reminder.request_id == request_id, Reminder.kind == "rating")
        return (await self._session.exec(query)).first()

    async def due(self, *, now: datetime, limit: int) -> Sequence[Reminder]:
        query = (
            select(Reminder)
            .where(Reminder.status == SCHEDULED, col(Reminder.due_at) <= now)
            .order_by(col(Reminder.due_at), col(Reminder.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return (await self._session.exec(query)).all()

    async def unanswered(self, *, now: datetime, limit: int) -> Sequence[Reminder]:
        """Sent reminders whose answer window is over."""
        query = (
            select(Reminder)
            .where(Reminder.status == SENT, col(Reminder.window_ends_at) <= now)
            .order_by(col(Reminder.window_ends_at), col(Reminder.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return (await self._session.exec(query)).all()

    async def next_due(self) -> datetime | None:
        query = select(func.min(Reminder.due_at)).where(Reminder.status == SCHEDULED)
        return (await self._session.exec(query)).one()

    async def next_window_end(self) -> datetime | None:
        query = select(func.min(Reminder.window_ends_at)).where(Reminder.status == SENT)
        return (await self._session.exec(query)).one()

    async def cancel_scheduled(
        self, *, therapy_id: int | None = None, appointment_id: int | None = None
    ) -> int:
        """Stop what is planned and not yet out (a paused therapy, a cancelled appointment)."""
        statement = update(Reminder).where(col(Reminder.status).in_((SCHEDULED, QUEUED)))
        if therapy_id is not None:
            statement = statement.where(col(Reminder.therapy_id) == therapy_id)
        if appointment_id is not None:
            statement = statement.where(col(Reminder.appointment_id) == appointment_id)
        result = await self._session.exec(statement.values(status=CANCELLED))
        return int(result.rowcount or 0)

    async def resume(self, *, therapy_id: int, after: datetime) -> int:
        """Doses a pause cancelled that are still ahead are planned again."""
        statement = (
            update(Reminder)
            .where(
                col(Reminder.therapy_id) == therapy_id,
                col(Reminder.status) == CANCELLED,
                col(Reminder.due_at) > after,
            )
            .values(status=SCHEDULED)
        )
        result = await self._session.exec(statement)
        return int(result.rowcount or 0)

    async def cancel_for_patient(self, *, patient_id: int) -> int:
        statement = (
            update(Reminder)
            .where(
                col(Reminder.patient_id) == patient_id,
                col(Reminder.status).in_((SCHEDULED, QUEUED)),
            )
            .values(status=CANCELLED)
        )
        result = await self._session.exec(statement)
        return int(result.rowcount or 0)

    async def therapies_to_plan(self, *, until: date, limit: int) -> Sequence[Therapy]:
        """Running therapies not yet planned up to `until` (and not ended before that)."""
        planned = col(Therapy.planned_until)
        query = (
            select(Therapy)
            .where(
                col(Therapy.active).is_(True),
                col(Therapy.paused).is_(False),
                or_(planned.is_(None), planned < until),
                or_(
                    planned.is_(None),
                    col(Therapy.end_date).is_(None),
                    col(Therapy.end_date) > planned,
                ),
            )
            .order_by(col(Therapy.id))
            .limit(limit)
        )
        return (await self._session.exec(query)).all()

    async def unplanned_appointments(self, *, after: datetime) -> Sequence[Appointment]:
        """Confirmed appointments still ahead whose reminders are not planned yet (the staff
        prompt after the slot is always planned, so it marks the planned ones)."""
        planned = exists().where(
            col(Reminder.appointment_id) == col(Appointment.id), col(Reminder.kind) == "attendance"
        )
        query = select(Appointment).where(
            Appointment.status == "confirmed", col(Appointment.starts_at) > after, ~planned
        )
        return (await self._session.exec(query)).all()

    async def outcome_counts(
        self, *, kinds: Sequence[str], statuses: Sequence[str], since: datetime, until: datetime
    ) -> dict[str, int]:
        """What the reminder KPIs count over the reminders of these kinds and statuses that fell
        due in the period, counted by the database: `undelivered` (missed, never sent),
        `delivered`; of the doses delivered `taken`, `skipped`, `unanswered`; the appointments
        with an appointment reminder delivered (`reminded`) and those among them some reminder
        of which the patient `confirmed` or `cancelled`."""
        kind, status, answer = col(Reminder.kind), col(Reminder.status), col(Reminder.answer)
        visit = col(Reminder.appointment_id)
        undelivered = and_(col(Reminder.sent_at).is_(None), status == "missed")
        dose = and_(~undelivered, kind == "therapy_dose")
        reminded = and_(~undelivered, kind == "appointment", visit.is_not(None))

        def count(condition: Any) -> Any:
            return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

        def visits(condition: Any) -> Any:
            return func.count(distinct(case((condition, visit), else_=None)))

        columns = {
            "undelivered": count(undelivered),
            "delivered": count(~undelivered),
            "taken": count(and_(dose, status == "answered", answer == "taken")),
            "skipped": count(and_(dose, status == "answered", answer == "skipped")),
            "unanswered": count(and_(dose, status == "missed")),
            "reminded": visits(reminded),
            "confirmed": visits(and_(reminded, answer == "confirmed")),
            "cancelled": visits(and_(reminded, answer == "cancelled")),
        }
        query = core_select(*columns.values()).where(
            kind.in_(kinds),
            status.in_(statuses),
            col(Reminder.due_at) >= since,
            col(Reminder.due_at) <= until,
        )
        row = (await self._session.exec(query)).one()  # type: ignore[call-overload]
        return {name: int(value or 0) for name, value in zip(columns, row, strict=True)}
