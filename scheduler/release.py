"""Due reminders into the outbox, each as the message its reader gets, or recorded as why not.

A dose due longer ago than the grace window (the bot was down) is recorded missed, not sent
late; one whose therapy was paused or whose patient can no longer be reached is cancelled.
Everything but the therapy reminders a patient chose waits for the end of quiet hours.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flows.engine import FrontDesk
from flows.reminders import messages, outbox
from flows.reminders.reach import can_receive
from flows.reminders.times import quiet_ends
from flows.reply import Outgoing
from flows.satisfaction import asking
from storage.repositories.reminders import CANCELLED, MISSED, QUEUED
from storage.tables import Appointment, Patient, Reminder, Request, Therapy
from storage.uow import UnitOfWork

BATCH = 500
CHECKBACK_EXPIRY = timedelta(days=3)


class Batch:
    """The rows a batch of due reminders refers to, loaded with one query per table."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.patients: dict[int, Patient] = {}
        self.therapies: dict[int, Therapy] = {}
        self.visits: dict[int, Appointment] = {}
        self.requests: dict[int, Request] = {}

    async def load(self, due: list[Reminder]) -> None:
        uow = self.uow
        self.patients = await uow.patients.by_ids(
            ids=[r.patient_id for r in due if r.patient_id is not None]
        )
        self.therapies = await uow.therapies.by_ids(ids=[r.therapy_id for r in due])
        self.visits = await uow.appointments.by_ids(ids=[r.appointment_id for r in due])
        self.requests = await uow.requests.by_ids(ids=[r.request_id for r in due])


async def release(desk: FrontDesk, now: datetime) -> int:
    """Queue every reminder due by `now`; how many were queued."""
    queued = 0
    while True:
        async with desk.database.uow() as uow:
            repo = uow.reminders
            due = list(await repo.due(now=now, limit=BATCH))
            if not due:
                return queued
            batch = Batch(uow)
            await batch.load(due)
            rows: list[dict[str, Any]] = []
            for reminder in due:
                rows.extend(await _release(desk, batch, reminder, now))
                await repo.save(reminder=reminder)
            await outbox.enqueue(uow, rows)
            queued += sum(1 for r in due if r.status == QUEUED)
            await uow.commit()
        if len(due) < BATCH:
            return queued


async def _release(
    desk: FrontDesk, batch: Batch, reminder: Reminder, now: datetime
) -> list[dict[str, Any]]:
    kind = reminder.kind
    patient = batch.patients.get(reminder.patient_id or 0)
    if kind == "attendance":
        return await _attendance(desk, batch, reminder, patient, now)
    if not can_receive(patient):
        reminder.status = CANCELLED
        return []
    assert patient is not None
    if kind == "therapy_dose":
        return _dose(desk, batch, reminder, patient, now)
    if kind == "appointment":
        return _appointment(desk, batch, reminder, patient, now)
    if kind in ("satisfaction", "rating"):  # a "rating" planned before the stars were retired
        return await _satisfaction(desk, batch, reminder, patient, now)
    if kind == "checkback":
        message = messages.checkback(desk, patient, reminder)
        return _queue(desk, reminder, message, now, expires=reminder.due_at + CHECKBACK_EXPIRY)
    reminder.status = CANCELLED  # nothing this scheduler knows how to send
    return []


def _queue(
    desk: FrontDesk,
    reminder: Reminder,
    message: Outgoing,
    now: datetime,
    *,
    night_ok: bool = False,
    expires: datetime | None = None,
    suffix: str = "",
) -> list[dict[str, Any]]:
    reminder.status = QUEUED
    key = f"reminder:{reminder.id}:{reminder.snoozes}{suffix}"
    return [
        outbox.row(
            key=key,
            message=message,
            kind=reminder.kind,
            now=now,
            settings=desk.settings,
            night_ok=night_ok,
            reminder_id=reminder.id,
            expires_at=expires,
        )
    ]


def _dose(
    desk: FrontDesk, batch: Batch, reminder: Reminder, patient: Patient, now: datetime
) -> list[dict[str, Any]]:
    therapy = batch.therapies.get(reminder.therapy_id or 0)
    if therapy is None or not therapy.active or therapy.paused:
        reminder.status = CANCELLED
        return []
    grace = timedelta(minutes=desk.settings.reminder_grace_minutes)
    if now - reminder.due_at > grace:
        reminder.status = MISSED  # fell due while the bot was down, too long ago
        reminder.payload = {**reminder.payload, "missed": "late"}
        return []
    message = messages.dose(desk, patient, therapy, reminder)
    # The patient chose this time, night or not; once past the grace window it is not sent.
    return _queue(desk, reminder, message, now, night_ok=True, expires=reminder.due_at + grace)


def _appointment(
    desk: FrontDesk, batch: Batch, reminder: Reminder, patient: Patient, now: datetime
) -> list[dict[str, Any]]:
    visit = batch.visits.get(reminder.appointment_id or 0)
    if (
        visit is None
        or visit.status != "confirmed"
        or quiet_ends(now, desk.settings) >= (visit.starts_at)
    ):
        reminder.status = CANCELLED
        return []
    message = messages.appointment(desk, patient, visit, reminder)
    return _queue(desk, reminder, message, now, expires=visit.starts_at)


async def _satisfaction(
    desk: FrontDesk, batch: Batch, reminder: Reminder, patient: Patient, now: datetime
) -> list[dict[str, Any]]:
    request = batch.requests.get(reminder.request_id or 0)
    visit = batch.visits.get(reminder.appointment_id or 0)
    touch = asking.touchpoint_of(reminder, request, visit)
    row = None
    if touch is not None:
        row = await asking.ask(batch.uow, touch, patient, now=now, settings=desk.settings)
    if touch is None or row is None:
        reminder.status = CANCELLED  # reopened, too late, or asked too recently
        return []
    message = asking.question(desk, patient, row)
    return _queue(desk, reminder, message, now, expires=touch.at + asking.WITHIN)


async def _attendance(
    desk: FrontDesk, batch: Batch, reminder: Reminder, patient: Patient | None, now: datetime
) -> list[dict[str, Any]]:
    """Staff are asked after the slot whether the patient came."""
    visit = batch.visits.get(reminder.appointment_id or 0)
    team = [s for s in await batch.uow.staff.list() if s.on_duty]
    if visit is None or visit.status != "confirmed" or not team:
        reminder.status = CANCELLED
        return []
    rows: list[dict[str, Any]] = []
    for member in team:
        message = messages.attendance(desk, member.telegram_id, patient, visit)
        rows += _queue(desk, reminder, message, now, suffix=f":{member.telegram_id}")
    return rows
