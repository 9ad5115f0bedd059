"""A caregiver filing requests for the patient: after tapping "📝 Request for Maria" their turns
act as the patient (the menu, the request flows, My requests) until they send any command.

Settings and privacy stay the patient's own: a turn that reaches them while acting is refused
and undone, and so is anything that would change the patient's consent.
"""

from __future__ import annotations

from dataclasses import replace

from flows import runner
from flows.codes import CAREGIVER_ACT
from flows.errors import DomainError, NotFound
from flows.reminders.common import parse
from flows.reminders.messages import short_name
from flows.reminders.reach import can_receive
from flows.turn import Turn
from storage.tables import Caregiver, Patient

OFF_LIMITS = ("settings", "erase")


async def acting_link(turn: Turn) -> Caregiver | None:
    if not turn.maybe_acting:
        return None
    return await turn.uow.caregivers.acting_link(telegram_id=turn.sender.user_id)


async def begin(turn: Turn) -> Patient | None:
    """Act as the patient if this caregiver chose to; the patient acted for, or None."""
    link = await acting_link(turn)
    if link is None:
        return None
    patient = await turn.uow.patients.get(patient_id=link.patient_id)
    if not can_receive(patient):
        link.acting = False
        await turn.uow.caregivers.save(link=link)
        return None
    turn.patient = patient
    return patient


async def stop(turn: Turn) -> bool:
    """Any command ends acting for someone else; True if it did."""
    link = await acting_link(turn)
    if link is None:
        return False
    link.acting = False
    await turn.uow.caregivers.save(link=link)
    turn.say(turn.t("caregiver.acting.stopped"))
    return True


def check(turn: Turn, patient: Patient, consent: tuple[object, ...]) -> None:
    """Refuse (and so undo) a turn that went where only the patient may go."""
    changed = (patient.consent_at, patient.consent_withdrawn_at, patient.language) != consent
    if turn.conversation.flow in OFF_LIMITS or changed:
        raise DomainError("caregiver.acting.not_allowed")


def consent_of(patient: Patient) -> tuple[object, ...]:
    return (patient.consent_at, patient.consent_withdrawn_at, patient.language)


def label(turn: Turn, patient: Patient) -> None:
    """Every screen shown while acting says for whom."""
    note = turn.t("caregiver.acting.note", name=short_name(patient))
    turn.reply.messages = [
        replace(m, text=f"{note}\n\n{m.text}")
        if m.chat_id == turn.chat_id and m.anchor is not None and m.anchor.kind == "menu"
        else m
        for m in turn.reply.messages
    ]


async def on_button(turn: Turn, args: list[str]) -> None:
    """`PatientGlobal.CAREGIVER`: the caregiver starts acting for the patient."""
    parsed = parse(args, (CAREGIVER_ACT,))
    link = await turn.uow.caregivers.get(caregiver_id=parsed[0]) if parsed else None
    if link is None or link.caregiver_user_id != turn.sender.user_id or link.status != "active":
        raise NotFound("caregiver.invalid")
    patient = await turn.uow.patients.get(patient_id=link.patient_id)
    if patient is None or not can_receive(patient):
        raise NotFound("caregiver.invalid")
    for other in await turn.uow.caregivers.links_of_caregiver(telegram_id=turn.sender.user_id):
        other.acting = other.id == link.id
        await turn.uow.caregivers.save(link=other)
    turn.maybe_acting = True
    turn.patient = patient
    await runner.go_home(turn, notice=turn.t("caregiver.acting.started", name=short_name(patient)))
    label(turn, patient)
