"""Staff setting up a therapy reminder for a patient: `/therapy 12` opens the same flow the
patient uses, for the patient of request #12; when saved, the patient is told and the card shows
again. Cancel (or Back on the first step) returns to the card."""

from __future__ import annotations

from flows import inputs, runner
from flows.codes import StepCode
from flows.reminders.messages import for_patient, medicine
from flows.reminders.reach import can_receive
from flows.reminders.therapy import PATIENT, REQUEST, THERAPY_NEW
from flows.reply import Outgoing
from flows.staff import actions, screens
from flows.staff.commands import split_number
from flows.turn import Turn
from storage.tables import Therapy

COMMAND = "therapy"


def in_flow(turn: Turn) -> bool:
    return turn.conversation.flow == THERAPY_NEW.id


async def start(turn: Turn, args: str) -> None:
    actions.staff_of(turn)
    number, _ = split_number(turn, COMMAND, args)
    request = await actions.load(turn, number)
    await runner.start_flow(
        turn, THERAPY_NEW.id, keep={PATIENT: request.patient_id, REQUEST: request.id}
    )


async def on_tap(turn: Turn, code: str) -> None:
    position = runner.current(turn)
    assert position is not None
    flow, step = position
    back = code == StepCode.BACK() and not turn.conversation.trail
    leaving = code == StepCode.CANCEL() or back
    if leaving:
        await back_to_card(turn)
        return
    await inputs.on_tap(turn, flow, step, code)


async def on_input(turn: Turn) -> None:
    position = runner.current(turn)
    assert position is not None
    await inputs.on_input(turn, *position)


async def back_to_card(turn: Turn, notice: str | None = None) -> None:
    number = runner.answers(turn).get(REQUEST)
    if isinstance(number, int):
        await screens.show_card(turn, await actions.load(turn, number), notice=notice)
    else:
        await screens.show_inbox(turn, notice=notice)


async def saved_by_staff(turn: Turn, therapy: Therapy) -> None:
    """The patient hears of it in their own words; staff see the card again."""
    patient = await turn.uow.patients.get(patient_id=therapy.patient_id)
    if can_receive(patient):
        assert patient is not None
        words = for_patient(turn.desk, patient)
        text = words.t(
            "therapy.added_by_staff", medicine=medicine(therapy), times=", ".join(therapy.times)
        )
        turn.reply.add(Outgoing(chat_id=patient.telegram_id, text=text))
    await back_to_card(turn, notice=turn.t("therapy.staff_saved", medicine=medicine(therapy)))
