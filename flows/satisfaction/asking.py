"""Whether a patient may be asked, and the question they get.

The question is asked within 48 hours of the touchpoint (a request closed, a visit staff marked
attended), at most once per patient in `satisfaction_interval_days`; a row is written when it is
sent, so the cap counts questions asked, answered or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flows.codes import PatientGlobal, SatisfactionOp
from flows.reminders.messages import for_patient
from flows.reply import Outgoing
from flows.satisfaction.words import ANSWERS
from flows.settings import Settings
from flows.turn import TurnDesk
from storage.tables import Appointment, Patient, Reminder, Request, SatisfactionAnswer
from storage.tables.satisfaction import VISIT
from storage.uow import UnitOfWork

WITHIN = timedelta(hours=48)  # asked this soon after the touchpoint, or not at all
ANSWER_WINDOW = timedelta(days=7)  # a tap later than this is thanked, not recorded
# The six answers, as the buttons are laid out.
ROWS = (
    (SatisfactionOp.VERY_GOOD, SatisfactionOp.GOOD),
    (SatisfactionOp.NEITHER,),
    (SatisfactionOp.POOR, SatisfactionOp.VERY_POOR),
    (SatisfactionOp.DONT_KNOW,),
)


@dataclass(frozen=True, slots=True)
class Touchpoint:
    name: str  # the request's kind, or "visit"
    at: datetime  # when the request closed, or the visit was marked attended
    request_id: int | None
    appointment_id: int | None


def touchpoint_of(
    reminder: Reminder, request: Request | None, visit: Appointment | None
) -> Touchpoint | None:
    """What the reminder asks about, when that still stands (a reopened request: nothing)."""
    if reminder.appointment_id is not None:
        if visit is None or visit.status != "attended" or visit.marked_at is None:
            return None
        return Touchpoint(VISIT, visit.marked_at, visit.request_id, visit.id)
    if request is None or request.state != "closed" or request.closed_at is None:
        return None
    return Touchpoint(request.kind, request.closed_at, request.id, None)


async def may_ask(uow: UnitOfWork, *, patient_id: int, now: datetime, settings: Settings) -> bool:
    last = await uow.satisfaction.last_asked(patient_id=patient_id)
    return last is None or now - last >= timedelta(days=settings.satisfaction_interval_days)


async def may_ask_to_recommend(
    uow: UnitOfWork, *, patient_id: int, now: datetime, settings: Settings
) -> bool:
    if not settings.recommend_question:
        return False
    last = await uow.satisfaction.last_asked_to_recommend(patient_id=patient_id)
    return last is None or now - last >= timedelta(days=settings.recommend_interval_days)


async def ask(
    uow: UnitOfWork, touch: Touchpoint, patient: Patient, *, now: datetime, settings: Settings
) -> SatisfactionAnswer | None:
    """The row of a question to send now; None when it is too late or asked too recently."""
    assert patient.id is not None
    if now > touch.at + WITHIN:
        return None
    if not await may_ask(uow, patient_id=patient.id, now=now, settings=settings):
        return None
    row = SatisfactionAnswer(
        patient_id=patient.id,
        touchpoint=touch.name,
        request_id=touch.request_id,
        appointment_id=touch.appointment_id,
        asked_at=now,
    )
    await uow.satisfaction.add(answer=row)
    return row


def question(desk: TurnDesk, patient: Patient, row: SatisfactionAnswer) -> Outgoing:
    words = for_patient(desk, patient)
    if row.touchpoint == VISIT:
        intro = words.t("satisfaction.ask.visit")
    else:
        kind = words.t(f"kind.{row.touchpoint}")
        intro = words.t("satisfaction.ask.request", number=row.request_id, kind=kind)
    text = f"{intro}\n{words.t('satisfaction.ask')}"
    rows = tuple(
        tuple(
            words.button(
                f"satisfaction.answer.{ANSWERS[op]}", PatientGlobal.SATISFACTION(row.id, op)
            )
            for op in line
        )
        for line in ROWS
    )
    return Outgoing(chat_id=patient.telegram_id, text=text, buttons=rows)
