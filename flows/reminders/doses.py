"""A dose reminder answered: Taken, Snooze, Skip, and the refill loop into the inbox.

Each answer is recorded on the reminder (adherence) and replaces the reminder's buttons with
what was recorded. An answer after the window closed still counts: the patient knows best.
When the pills at home run low the reminder offers a repeat prescription: one tap files it,
pre-filled from the therapy and the patient's last prescription, straight into the inbox.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flows import runner
from flows.codes import DoseOp
from flows.kinds.prescription import FLOW as PRESCRIPTION
from flows.patient import services
from flows.reminders import messages
from flows.reminders.common import (
    answer_on_tapped,
    clock,
    expired,
    home_button,
    own_reminder,
    parse,
)
from flows.reminders.messages import for_patient, medicine, refill_rows, stock_line
from flows.turn import Turn
from storage.repositories.reminders import ANSWERED, CANCELLED, SCHEDULED, SENT
from storage.tables import Reminder, Therapy

ANSWERS: dict[str, str] = {DoseOp.TAKEN: "taken", DoseOp.SKIP: "skipped"}


async def on_button(turn: Turn, args: list[str]) -> None:
    parsed = parse(args, tuple(DoseOp))
    if parsed is None:
        await expired(turn)
        return
    number, op = parsed
    reminder = await own_reminder(turn, number, "therapy_dose")
    therapy = await turn.uow.therapies.get(therapy_id=reminder.therapy_id or 0)
    if therapy is None:
        await expired(turn)
        return
    if op == DoseOp.REFILL:
        await refill(turn, reminder, therapy)
    elif op == DoseOp.NEW_BOX:
        new_box(turn, reminder, therapy)
    elif reminder.status == ANSWERED:
        already = turn.t(f"dose.answer.{reminder.answer}")
        answer_on_tapped(turn, turn.t("dose.already", medicine=medicine(therapy), answer=already))
    elif reminder.status == CANCELLED:
        answer_on_tapped(turn, turn.t("dose.cancelled", medicine=medicine(therapy)))
    elif op == DoseOp.SNOOZE:
        await snooze(turn, reminder, therapy)
    else:
        answer(turn, reminder, therapy, ANSWERS[op])
    await turn.uow.reminders.save(reminder=reminder)
    await turn.uow.therapies.save(therapy=therapy)


def answer(turn: Turn, reminder: Reminder, therapy: Therapy, what: str) -> None:
    reminder.status = ANSWERED
    reminder.answer = what
    reminder.answered_at = turn.now
    if what == "taken" and therapy.pills_left is not None:
        therapy.pills_left = max(0, therapy.pills_left - 1)
    key = "dose.taken" if what == "taken" else "dose.skipped"
    lines = [turn.t(key, medicine=medicine(therapy), time=clock(turn))]
    assert turn.patient is not None
    words = for_patient(turn.desk, turn.patient)
    stock = stock_line(words, therapy)
    if stock:
        lines.append(stock)
    answer_on_tapped(turn, "\n\n".join(lines), tuple(refill_rows(words, therapy, reminder)))


async def snooze(turn: Turn, reminder: Reminder, therapy: Therapy) -> None:
    if reminder.status not in (SENT, SCHEDULED) or reminder.snoozes >= messages.MAX_SNOOZES:
        answer_on_tapped(turn, turn.t("dose.no_more_snooze", medicine=medicine(therapy)))
        return
    minutes = turn.desk.settings.snooze_minutes
    reminder.status = SCHEDULED
    reminder.snoozes += 1
    reminder.due_at = turn.now + timedelta(minutes=minutes)
    reminder.window_ends_at = None
    when = reminder.due_at.astimezone(turn.desk.settings.tz).strftime("%H:%M")
    answer_on_tapped(turn, turn.t("dose.snoozed", medicine=medicine(therapy), time=when))


async def refill(turn: Turn, reminder: Reminder, therapy: Therapy) -> None:
    """One tap: a repeat prescription for this medicine, filed like the Ricetta flow files it."""
    if therapy.refill_request_id is not None:
        text = turn.t("dose.refill_pending", number=therapy.refill_request_id)
        turn.say(text, buttons=((home_button(turn),),))
        return
    saved = (turn.conversation.flow, turn.conversation.step, turn.conversation.answers)
    saved_trail = turn.conversation.trail
    turn.conversation.answers = await _prefilled(turn, therapy)
    request = await services.submit_request(turn, PRESCRIPTION)
    turn.conversation.flow, turn.conversation.step, turn.conversation.answers = saved
    turn.conversation.trail = saved_trail
    therapy.refill_request_id = request.id
    turn.tapped_message_id = None
    refresh(turn, reminder, therapy, turn.t("dose.refill_filed", number=request.id))
    await services.confirmation(turn, request)


def refresh(turn: Turn, reminder: Reminder, therapy: Therapy, notice: str) -> None:
    """The tapped message after a refill or a new box: still the reminder if it awaits an
    answer (with the new stock line), else just what happened."""
    if reminder.status == SENT and turn.patient is not None:
        message = messages.dose(turn.desk, turn.patient, therapy, reminder)
        answer_on_tapped(turn, f"{notice}\n\n{message.text}", message.buttons)
    else:
        answer_on_tapped(turn, notice)


async def _prefilled(turn: Turn, therapy: Therapy) -> dict[str, Any]:
    """What the Ricetta flow would have collected: this therapy, and how the patient had their
    last prescription delivered (one box, by electronic prescription code, the first time)."""
    patient = turn.patient
    assert patient is not None
    assert patient.id is not None
    last = await turn.uow.requests.for_patient(patient_id=patient.id, kind="prescription", limit=1)
    before = last[0] if last else None
    previous = before.answers if before is not None else {}
    delivery = str(previous.get("delivery") or "nre")
    given: dict[str, Any] = {
        "urgent": "no",
        "what": "repeat",
        f"{runner.INTERNAL}what_label": turn.t("prescription.what.repeat"),
        "saved": f"t{therapy.id}",
        f"{runner.INTERNAL}saved_label": medicine(therapy),
        "boxes": 1,
        "delivery": delivery,
    }
    if delivery == "pharmacy":
        given["pharmacy"] = str(previous.get("pharmacy") or "")
    return given


def new_box(turn: Turn, reminder: Reminder, therapy: Therapy) -> None:
    """The repeat prescription came through and the new box is at home."""
    if therapy.pills_per_box:
        therapy.pills_left = (therapy.pills_left or 0) + therapy.pills_per_box
    therapy.refill_request_id = None
    left = therapy.pills_left if therapy.pills_left is not None else "—"
    refresh(turn, reminder, therapy, turn.t("dose.new_box", medicine=medicine(therapy), n=left))
