"""Erasure (art. 17), as a plain operation on a unit of work.

Erasure removes what identifies the patient and what they or staff wrote, stops every reminder
and programme message, deletes their follow-up programme records (tags, consent to prevention
reminders, enrolments, contacts, calls, opt-outs, completions), and keeps only what the anonymous
KPIs count: requests' kind, state and times, ratings' scores, satisfaction answers (without
who gave them or what they wrote), programme cycles' recorded counts.
The patient row stays as an anonymous number (so requests keep their owner) but its Telegram id
is replaced, so the same person writing again starts as a stranger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from flows.lifecycle import OPEN_STATES
from flows.privacy.consent import stop_reminders
from flows.privacy.retention import scrub_contents
from storage.tables import (
    Conversation,
    Patient,
)
from storage.uow import UnitOfWork

UPCOMING = ("proposed", "confirmed")
ERASED_NOTICE = "staff.notice.erased"


@dataclass(frozen=True, slots=True)
class Erasure:
    patient: int  # the anonymous number that stays
    open_requests: tuple[int, ...]  # still in the inbox, now without contents
    reminders: int
    appointments: int


class ErasedNotice(TypedDict):
    """What staff are told: numbers only, never who it was."""

    patient: int
    requests: str
    appointments: int


def notice_params(erasure: Erasure) -> ErasedNotice:
    requests = ", ".join(f"#{n}" for n in erasure.open_requests) or "0"
    return ErasedNotice(
        patient=erasure.patient, requests=requests, appointments=erasure.appointments
    )


async def erase_patient(
    uow: UnitOfWork, patient: Patient, *, now: datetime, live: Conversation | None = None
) -> Erasure:
    """Erase one patient. `live` is the conversation of the turn asking for it: it is emptied
    rather than deleted, because the engine saves it once the turn is over."""
    assert patient.id is not None
    privacy = uow.privacy
    requests = await privacy.requests_of(patient_id=patient.id)
    await scrub_contents(uow, requests, now=now)
    for request in requests:
        request.status_chat_id = request.status_message_id = None
    reminders = await stop_reminders(uow, patient.id)
    await privacy.blank_therapies(patient_id=patient.id)
    appointments = await privacy.cancel_appointments_after(
        patient_id=patient.id, statuses=UPCOMING, now=now
    )
    await privacy.disown_ratings(patient_id=patient.id)
    await privacy.disown_satisfaction(patient_id=patient.id)
    await privacy.delete_caregivers(patient_id=patient.id)
    await privacy.delete_reminder_messages(patient_id=patient.id)
    # Before the chat is forgotten: the waiting messages are found by the patient's chat.
    await uow.programmes.cancel_waiting_messages(patient_id=patient.id)
    await privacy.delete_programme_records(patient_id=patient.id)
    await _forget_chat(uow, patient.telegram_id, live)
    _anonymise(patient, now)
    await uow.patients.add(patient=patient)
    open_numbers = tuple(
        sorted(r.id for r in requests if r.id is not None and r.state in OPEN_STATES)
    )
    return Erasure(patient.id, open_numbers, reminders, appointments)


async def _forget_chat(uow: UnitOfWork, chat: int, live: Conversation | None) -> None:
    await uow.privacy.forget_chat(
        chat_id=chat, keep_chat_id=live.chat_id if live is not None else None
    )
    if live is not None:
        live.flow = live.step = None
        live.answers, live.trail = {}, []


def _anonymise(patient: Patient, now: datetime) -> None:
    assert patient.id is not None
    patient.first_name = patient.last_name = patient.fiscal_code = patient.phone = None
    patient.birth_date = None
    # Telegram ids are positive: a negative one can never be a person's, and stays unique.
    patient.telegram_id = -patient.id
    patient.verification = "erased"
    patient.reachable = False
    patient.consent_withdrawn_at = patient.consent_withdrawn_at or now
    patient.erased_at = now


def queue_staff_notice(
    uow: UnitOfWork, staff_chats: list[int], key: str, now: datetime, **params: object
) -> None:
    """A notice for staff from outside a conversation (the CLI): the running bot sends it with the
    next digest (see `flows.staff.notify.due_digests`)."""
    uow.digest.hold(chat_ids=staff_chats, key=key, params=params, due_at=now, now=now)
