"""Consent withdrawal: no more reminders, caregiver alerts or requests; what the practice must
keep (past requests and their history) stays. Erasure starts from the same stop."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import col, select

from flows.privacy.export import reminders_of
from storage.tables import Caregiver, OutboundMessage, Patient, Reminder, Therapy
from storage.uow import UnitOfWork

# Reminders not yet answered, missed or cancelled.
STOPPABLE = ("scheduled", "queued", "sent")
# The practice's own timers on a request: they keep the inbox right, they message no one.
PRACTICE_TIMERS = ("request_wake", "request_expiry")


def outbox_of(patient_id: int) -> Any:
    """Outbox messages born of the patient's reminders (their doses, their caregivers' alerts)."""
    mine = select(Reminder.id).where(reminders_of(patient_id))
    return col(OutboundMessage.reminder_id).in_(mine)


async def therapies(uow: UnitOfWork, patient_id: int) -> Sequence[Therapy]:
    return (await uow.session.exec(select(Therapy).where(Therapy.patient_id == patient_id))).all()


async def caregivers(uow: UnitOfWork, patient_id: int) -> Sequence[Caregiver]:
    query = select(Caregiver).where(Caregiver.patient_id == patient_id)
    return (await uow.session.exec(query)).all()


async def stop_reminders(uow: UnitOfWork, patient_id: int) -> int:
    """Cancel every pending reminder and what waits in the outbox for it, and switch therapies
    off so the planner plans no more; how many reminders were stopped."""
    session = uow.session
    pending = select(Reminder).where(
        reminders_of(patient_id),
        col(Reminder.status).in_(STOPPABLE),
        col(Reminder.kind).not_in(PRACTICE_TIMERS),
    )
    reminders = (await session.exec(pending)).all()
    for reminder in reminders:
        reminder.status = "cancelled"
        session.add(reminder)
    waiting = select(OutboundMessage).where(
        outbox_of(patient_id), OutboundMessage.status == "pending"
    )
    for message in (await session.exec(waiting)).all():
        message.status = "cancelled"
        session.add(message)
    for therapy in await therapies(uow, patient_id):
        therapy.active = False
        session.add(therapy)
    await session.flush()
    return len(reminders)


async def withdraw_consent(uow: UnitOfWork, patient: Patient, *, now: datetime) -> int:
    """Withdraw the patient's consent; how many reminders were stopped."""
    assert patient.id is not None
    patient.consent_withdrawn_at = now
    uow.session.add(patient)
    for link in await caregivers(uow, patient.id):
        if link.status != "revoked":
            link.status, link.revoked_at, link.acting = "revoked", now, False
            uow.session.add(link)
    return await stop_reminders(uow, patient.id)
