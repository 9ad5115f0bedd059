"""Who can be reached: a patient who blocked the bot is marked unreachable and staff are told
once; writing to the practice again makes them reachable."""

from __future__ import annotations

import logging
from datetime import datetime

from flows.engine import FrontDesk
from flows.reminders import messages, outbox
from flows.reply import Outgoing
from storage.tables import Patient
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


def can_receive(patient: Patient | None) -> bool:
    """Reminders only for a patient who can get them and still agrees to get them."""
    return (
        patient is not None
        and patient.reachable
        and patient.consent_withdrawn_at is None
        and patient.verification not in ("blocked", "erased")
    )


async def mark_unreachable(desk: FrontDesk, uow: UnitOfWork, chat_id: int, now: datetime) -> bool:
    """The chat blocked the bot: if it is a patient's, stop their reminders and tell staff.
    True when this changed anything (a second 403 for the same patient says nothing new)."""
    patient = await uow.patients.by_telegram_id(telegram_id=chat_id)
    if patient is None or patient.id is None or not patient.reachable:
        return False
    patient.reachable = False
    await uow.patients.add(patient=patient)
    stopped = await uow.reminders.cancel_for_patient(patient_id=patient.id)
    log.info("patient %s unreachable: %d reminders stopped", patient.id, stopped)
    lang = desk.settings.default_language
    rows = []
    for member in await uow.staff.list():
        if not member.on_duty:
            continue
        text = desk.catalog.text(
            "staff.notice.unreachable",
            lang,
            name=messages.short_name(patient),
            patient=patient.id,
            phone=patient.phone or "—",
        )
        rows.append(
            outbox.row(
                key=f"unreachable:{patient.id}:{member.telegram_id}:{now:%Y%m%d%H%M}",
                message=Outgoing(chat_id=member.telegram_id, text=text),
                kind="staff_notice",
                now=now,
                settings=desk.settings,
            )
        )
    await outbox.enqueue(uow, rows)
    return True


async def mark_reachable(uow: UnitOfWork, patient: Patient | None) -> None:
    """They wrote to us, so they unblocked the bot."""
    if patient is not None and not patient.reachable and patient.verification != "erased":
        patient.reachable = True
        await uow.patients.add(patient=patient)
