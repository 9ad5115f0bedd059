"""The patient and staff desks with reminders added, by wrapping them (composition, in the root).

Patient side: the caregiver deep link and the caregiver's "act for" button are answered before
onboarding (a caregiver need not be a patient); a caregiver acting for a patient is handled as
that patient; anyone writing is reachable again. Staff side: `/therapy <n>` and its flow, and
the attended / no-show buttons after a visit. Everything else goes to the desk inside.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from flows.engine import Desk
from flows.events import CommandIn
from flows.reminders import acting, appointments, caregivers, staff
from flows.reminders.reach import mark_reachable
from flows.turn import Turn

A = TypeVar("A")


class PatientDeskWithReminders:
    def __init__(self, inner: Desk) -> None:
        self.inner = inner
        self.redisplay_after_error = getattr(inner, "redisplay_after_error", True)

    async def on_command(self, turn: Turn, command: CommandIn) -> None:
        await mark_reachable(turn.uow, turn.patient)
        prefix = caregivers.PAYLOAD_PREFIX
        if command.name == "start" and command.args.startswith(prefix):
            turn.tapped_message_id = None
            await caregivers.accept(turn, command.args.removeprefix(prefix))
            return
        await acting.stop(turn)  # a command is the way back to oneself
        await self.inner.on_command(turn, command)

    async def on_tap(self, turn: Turn, code: str) -> None:
        await self._as_patient(turn, self.inner.on_tap, code)

    async def on_global(self, turn: Turn, code: str) -> None:
        if code.startswith("C."):
            turn.tapped_message_id = None
            await acting.on_button(turn, code.split(".")[1:])
            return
        await self._as_patient(turn, self.inner.on_global, code)

    async def on_input(self, turn: Turn) -> None:
        await self._as_patient(turn, self._input, None)

    async def show_current(self, turn: Turn, notice: str | None = None) -> None:
        await self._as_patient(turn, self.inner.show_current, notice)

    async def _input(self, turn: Turn, _: None) -> None:
        await self.inner.on_input(turn)

    async def _as_patient(
        self, turn: Turn, handler: Callable[[Turn, A], Awaitable[None]], arg: A
    ) -> None:
        await mark_reachable(turn.uow, turn.patient)
        patient = await acting.begin(turn)
        before = acting.consent_of(patient) if patient is not None else ()
        await handler(turn, arg)
        if patient is not None:
            acting.check(turn, patient, before)
            acting.label(turn, patient)


class StaffDeskWithReminders:
    def __init__(self, inner: Desk) -> None:
        self.inner = inner
        self.redisplay_after_error = getattr(inner, "redisplay_after_error", False)

    async def on_command(self, turn: Turn, command: CommandIn) -> None:
        if command.name == staff.COMMAND:
            turn.tapped_message_id = None
            await staff.start(turn, command.args)
            return
        await self.inner.on_command(turn, command)

    async def on_tap(self, turn: Turn, code: str) -> None:
        if staff.in_flow(turn):
            await staff.on_tap(turn, code)
            return
        await self.inner.on_tap(turn, code)

    async def on_global(self, turn: Turn, code: str) -> None:
        if code.startswith("N."):
            turn.tapped_message_id = None
            await appointments.on_attendance(turn, code.split(".")[1:])
            return
        await self.inner.on_global(turn, code)

    async def on_input(self, turn: Turn) -> None:
        if staff.in_flow(turn):
            await staff.on_input(turn)
            return
        await self.inner.on_input(turn)

    async def show_current(self, turn: Turn, notice: str | None = None) -> None:
        if staff.in_flow(turn):
            from flows import runner

            await runner.show_current(turn, notice=notice)
            return
        await self.inner.show_current(turn, notice)
