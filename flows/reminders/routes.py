"""What reminders add to the patient and staff routers (the lists are in the composition root).

Patient side: the caregiver deep link and the caregiver's "act for" button are answered before
onboarding (a caregiver need not be a patient); a caregiver acting for a patient is handled as
that patient; anyone writing is reachable again. Staff side: `/therapy <n>` and its flow, and
the attended / no-show buttons after a visit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from flows import runner
from flows.codes import PatientGlobal, StaffGlobal
from flows.events import CommandIn
from flows.reminders import acting, appointments, caregivers, staff
from flows.reminders.reach import mark_reachable
from flows.router import Handler
from flows.turn import Turn

A = TypeVar("A")


class CaregiverLinks(Handler):
    """First in the patient router: a caregiver's invitation link and "act for" button. Any
    other command is the way back to oneself, and passes on."""

    async def on_command(self, turn: Turn, command: CommandIn) -> bool:
        await mark_reachable(turn.uow, turn.patient)
        prefix = caregivers.PAYLOAD_PREFIX
        if command.name == "start" and command.args.startswith(prefix):
            turn.tapped_message_id = None
            await caregivers.accept(turn, command.args.removeprefix(prefix))
            return True
        await acting.stop(turn)
        return False

    async def on_global(self, turn: Turn, code: str) -> bool:
        args = PatientGlobal.CAREGIVER.args(code)
        if args is None:
            return False
        turn.tapped_message_id = None
        await acting.on_button(turn, args)
        return True


class ActingForPatient(Handler):
    """The patient routes, run as the patient a caregiver chose to act for: a turn that reaches
    what only the patient may change is refused, and every screen says for whom."""

    def __init__(self, desk: Handler) -> None:
        self.desk = desk

    async def on_command(self, turn: Turn, command: CommandIn) -> bool:
        return await self.desk.on_command(turn, command)

    async def on_tap(self, turn: Turn, code: str) -> bool:
        return await self._as_patient(turn, self.desk.on_tap, code)

    async def on_global(self, turn: Turn, code: str) -> bool:
        return await self._as_patient(turn, self.desk.on_global, code)

    async def on_input(self, turn: Turn) -> bool:
        return await self._as_patient(turn, self._input, None)

    async def show_current(self, turn: Turn, notice: str | None = None) -> bool:
        return await self._as_patient(turn, self.desk.show_current, notice)

    async def _input(self, turn: Turn, _: None) -> bool:
        return await self.desk.on_input(turn)

    async def _as_patient(
        self, turn: Turn, handler: Callable[[Turn, A], Awaitable[bool]], arg: A
    ) -> bool:
        await mark_reachable(turn.uow, turn.patient)
        patient = await acting.begin(turn)
        before = acting.consent_of(patient) if patient is not None else ()
        handled = await handler(turn, arg)
        if patient is not None:
            acting.check(turn, patient, before)
            acting.label(turn, patient)
        return handled


class StaffReminders(Handler):
    """First in the staff router: the therapy flow staff run for a patient, and attendance."""

    async def on_command(self, turn: Turn, command: CommandIn) -> bool:
        if command.name != staff.COMMAND:
            return False
        turn.tapped_message_id = None
        await staff.start(turn, command.args)
        return True

    async def on_tap(self, turn: Turn, code: str) -> bool:
        if not staff.in_flow(turn):
            return False
        await staff.on_tap(turn, code)
        return True

    async def on_global(self, turn: Turn, code: str) -> bool:
        args = StaffGlobal.ATTENDANCE.args(code)
        if args is None:
            return False
        turn.tapped_message_id = None
        await appointments.on_attendance(turn, args)
        return True

    async def on_input(self, turn: Turn) -> bool:
        if not staff.in_flow(turn):
            return False
        await staff.on_input(turn)
        return True

    async def show_current(self, turn: Turn, notice: str | None = None) -> bool:
        if not staff.in_flow(turn):
            return False
        await runner.show_current(turn, notice=notice)
        return True
