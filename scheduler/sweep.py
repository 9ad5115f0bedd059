"""After the fact: reminders nobody answered in time, and claims a dead dispatcher left behind.

A dose left unanswered when its window closes is missed: the message loses its buttons and
every caregiver is told (in the morning, if it is night). A claim whose dispatcher died is handed
back while it was only `claimed`; one caught in `sending` becomes `uncertain` and is not sent
again (see `scheduler.dispatcher` for why).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from flows.engine import FrontDesk
from flows.reminders import messages, outbox
from flows.reminders.reach import can_receive
from storage.repositories.outbox import CLAIMED, PENDING, UNCERTAIN
from storage.repositories.reminders import MISSED, QUEUED
from storage.tables import Reminder
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

BATCH = 500


async def close_windows(desk: FrontDesk, now: datetime) -> int:
    """Record missed every reminder whose answer window is over; how many."""
    missed = 0
    while True:
        async with desk.database.uow() as uow:
            late = list(await uow.reminders.unanswered(now=now, limit=BATCH))
            rows: list[dict[str, Any]] = []
            for reminder in late:
                reminder.status = MISSED
                if reminder.kind == "therapy_dose":
                    rows += await _missed_dose(desk, uow, reminder, now)
            await uow.reminders.save_all(reminders=late)
            await outbox.enqueue(uow, rows)
            await uow.commit()
        missed += len(late)
        if len(late) < BATCH:
            return missed


async def _missed_dose(
    desk: FrontDesk, uow: UnitOfWork, reminder: Reminder, now: datetime
) -> list[dict[str, Any]]:
    patient = await uow.patients.get(patient_id=reminder.patient_id or 0)
    therapy = await uow.therapies.get(therapy_id=reminder.therapy_id or 0)
    if patient is None or therapy is None:
        return []
    rows = []
    if reminder.telegram_message_id is not None and can_receive(patient):
        edit = messages.dose_missed(desk, patient, therapy, reminder)
        rows.append(
            outbox.row(
                key=f"missed:{reminder.id}",
                message=edit,
                kind="dose_missed",
                now=now,
                settings=desk.settings,
                night_ok=True,  # an edit makes no sound
            )
        )
    at = str(reminder.payload.get("time") or "")
    for caregiver in await uow.caregivers.active_of(patient_id=patient.id or 0):
        if caregiver.caregiver_chat_id is None:
            continue
        alert = messages.caregiver_alert(
            desk, desk.settings.default_language, caregiver.caregiver_chat_id, patient, therapy, at
        )
        rows.append(
            outbox.row(
                key=f"alert:{reminder.id}:{caregiver.id}",
                message=alert,
                kind="caregiver_alert",
                now=now,
                settings=desk.settings,
            )
        )
    return rows


async def recover(desk: FrontDesk, now: datetime, worker: str, *, leading: bool = True) -> int:
    """Take back what another dispatcher claimed and never finished; how many rows. While this
    worker leads, any other worker's claim is a dead one's (see `scheduler.leader`)."""
    async with desk.database.uow() as uow:
        rows = await uow.outbox.abandoned(now=now, worker=worker, leading=leading)
        for row in rows:
            if row.status == CLAIMED:
                row.status, row.claimed_by, row.claimed_until = PENDING, None, None
            else:
                await _uncertain(uow, row.reminder_id, now, desk)
                row.status, row.payload, row.claimed_until = UNCERTAIN, {}, None
                log.warning("outbox row %s was being sent when its worker died", row.id)
        await uow.outbox.save_all(rows=rows)
        await uow.commit()
    return len(rows)


async def _uncertain(
    uow: UnitOfWork, reminder_id: int | None, now: datetime, desk: FrontDesk
) -> None:
    """It may have arrived: the reminder is treated as sent, its window open from now."""
    if reminder_id is None:
        return
    reminder = await uow.reminders.get(reminder_id=reminder_id)
    if reminder is None or reminder.status != QUEUED:
        return
    from scheduler.settle import answer_window

    reminder.status = "sent"
    reminder.window_ends_at = answer_window(reminder, now, desk)
    reminder.payload = {**reminder.payload, "uncertain": True}
    await uow.reminders.save(reminder=reminder)
