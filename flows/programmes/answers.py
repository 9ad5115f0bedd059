"""What a patient's tap on a programme message records, and the staff's call outcomes.

Each answer stops the sequence (the enrolment is no longer due, and what still waited in the
outbox for it is cancelled). A tap on another patient's message, or on a programme that is not
running any more, or a second answer, records nothing: the caller shows a short kind message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flows.programmes.model import Answer, Programme
from flows.programmes.segment import months_before
from storage.tables import Enrolment
from storage.uow import UnitOfWork

OPEN = ("planned", "invited", "snoozed")
CALL_OUTCOMES = ("booked", "no_answer", "refuses", "wrong_number")
# A rough "when" for an answer of "already done": this month, or some months ago.
ROUGHLY = {"this_month": 0, "months_1_3": 2, "months_3_6": 4, "months_6_12": 9, "older": 18}


class AnswerRefused(Exception):
    """Nothing recorded; `reason` (not_found | not_yours | not_running | answered) says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Booking:
    """What the Visit flow needs pre-filled: the reason's text key, and what to link to."""

    reason: str
    programme_id: str
    cycle: int
    enrolment_id: int


def rough_date(choice: str, today: date) -> date:
    """The day a rough answer stands for (`ROUGHLY`'s keys)."""
    if choice not in ROUGHLY:
        raise ValueError(choice)
    return months_before(today, ROUGHLY[choice])


async def _open_enrolment(
    uow: UnitOfWork, programme: Programme, enrolment_id: int, patient_id: int
) -> Enrolment:
    enrolment = await uow.programmes.enrolment(enrolment_id=enrolment_id)
    if enrolment is None or enrolment.programme_id != programme.id:
        raise AnswerRefused("not_found")
    if enrolment.patient_id != patient_id:
        raise AnswerRefused("not_yours")
    state = await uow.programmes.programme_state(programme_id=programme.id)
    if state is None or state.status != "running":
        raise AnswerRefused("not_running")
    if enrolment.state not in OPEN:
        raise AnswerRefused("answered")
    return enrolment


async def _answered(
    uow: UnitOfWork, enrolment: Enrolment, answer: Answer, state: str, now: datetime
) -> None:
    assert enrolment.id is not None
    enrolment.answered_step = await uow.programmes.last_contact_step(enrolment_id=enrolment.id)
    enrolment.answer, enrolment.state = str(answer), state
    enrolment.answered_at = enrolment.answered_at or now
    enrolment.next_due_at = None
    await uow.programmes.save_enrolment(enrolment=enrolment)
    await uow.programmes.cancel_waiting_for(enrolment_id=enrolment.id)


async def book(
    uow: UnitOfWork, programme: Programme, *, enrolment_id: int, patient_id: int, now: datetime
) -> Booking:
    """Prenoto: answered; booked once the visit request is filed (`link_request`)."""
    enrolment = await _open_enrolment(uow, programme, enrolment_id, patient_id)
    await _answered(uow, enrolment, Answer.BOOK, "answered", now)
    return Booking(programme.reason, programme.id, enrolment.cycle, enrolment_id)


async def link_request(
    uow: UnitOfWork, *, enrolment_id: int, request_id: int, now: datetime
) -> None:
    """The visit request filed from a booking: the enrolment is booked, linked to it."""
    await uow.programmes.link_request(enrolment_id=enrolment_id, request_id=request_id, now=now)


async def already_done(
    uow: UnitOfWork, programme: Programme, *, enrolment_id: int, patient_id: int, done_on: date,
    now: datetime,
) -> None:  # fmt: skip
    """L'ho già fatto: a completion on (roughly) that day."""
    enrolment = await _open_enrolment(uow, programme, enrolment_id, patient_id)
    await _answered(uow, enrolment, Answer.DONE, "already_done", now)
    enrolment.done_at = now
    await uow.programmes.save_enrolment(enrolment=enrolment)
    await uow.programmes.add_completion(
        patient_id=patient_id, programme_id=programme.id, done_on=done_on, source="patient",
        now=now, enrolment_id=enrolment_id,
    )  # fmt: skip


async def remind_later(
    uow: UnitOfWork, programme: Programme, *, enrolment_id: int, patient_id: int,
    until: datetime, now: datetime,
) -> None:  # fmt: skip
    """Ricordamelo più avanti: one reminder at `until` (then, unanswered, a non-responder)."""
    enrolment = await _open_enrolment(uow, programme, enrolment_id, patient_id)
    await _answered(uow, enrolment, Answer.LATER, "snoozed", now)
    enrolment.snoozes += 1
    enrolment.snoozed_until = enrolment.next_due_at = max(until, now + timedelta(hours=1))
    await uow.programmes.save_enrolment(enrolment=enrolment)


async def not_interested(
    uow: UnitOfWork, programme: Programme, *, enrolment_id: int, patient_id: int, now: datetime
) -> None:
    """Non mi interessa: leaves this programme, recorded for staff."""
    enrolment = await _open_enrolment(uow, programme, enrolment_id, patient_id)
    await _answered(uow, enrolment, Answer.DECLINE, "declined", now)
    enrolment.declined_at = now
    await uow.programmes.save_enrolment(enrolment=enrolment)
    await uow.programmes.opt_out(
        patient_id=patient_id, programme_id=programme.id, now=now, enrolment_id=enrolment_id
    )


async def record_call(
    uow: UnitOfWork, *, enrolment_id: int, outcome: str, staff_id: int | None, now: datetime
) -> Enrolment:
    """A call to a non-responder: booked, no answer (stays to call), refuses, wrong number."""
    if outcome not in CALL_OUTCOMES:
        raise ValueError(outcome)
    enrolment = await uow.programmes.enrolment(enrolment_id=enrolment_id)
    if enrolment is None:
        raise AnswerRefused("not_found")
    await uow.programmes.add_call(
        enrolment_id=enrolment_id, outcome=outcome, staff_id=staff_id, now=now
    )
    if outcome == "booked":
        enrolment.state, enrolment.booked_at = "booked", enrolment.booked_at or now
    elif outcome == "refuses":
        enrolment.state, enrolment.declined_at = "declined", now
    elif outcome == "wrong_number":
        enrolment.state, enrolment.unreachable_at = "unreachable", now
    await uow.programmes.save_enrolment(enrolment=enrolment)
    return enrolment
