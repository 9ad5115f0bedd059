"""Consent withdrawal: no more reminders, caregiver alerts, programme messages or requests; what
the practice must keep (past requests and their history) stays. Erasure starts from the same
stop."""

from __future__ import annotations

from datetime import datetime

from storage.tables import Patient
from storage.uow import UnitOfWork

# Reminders not yet answered, missed or cancelled.
STOPPABLE = ("scheduled", "queued", "sent")
# The practice's own timers on a request: they keep the inbox right, they message no one.
PRACTICE_TIMERS = ("request_wake", "request_expiry")


async def stop_reminders(uow: UnitOfWork, patient_id: int) -> int:
    """Cancel every pending reminder and what waits in the outbox for it, and switch therapies
    off so the planner plans no more; how many reminders were stopped."""
    return await uow.privacy.stop_reminders(
        patient_id=patient_id, statuses=STOPPABLE, sparing_kinds=PRACTICE_TIMERS
    )


async def withdraw_consent(uow: UnitOfWork, patient: Patient, *, now: datetime) -> int:
    """Withdraw the patient's consent; how many reminders were stopped."""
    assert patient.id is not None
    patient.consent_withdrawn_at = now
    await uow.patients.save(patient=patient)
    await uow.privacy.revoke_caregivers(patient_id=patient.id, now=now)
    # Programme messages already queued would otherwise still go out (the tick queues no more).
    await uow.programmes.cancel_waiting_messages(patient_id=patient.id)
    return await stop_reminders(uow, patient.id)
