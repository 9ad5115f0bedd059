"""What programmes add to the patient and staff routers (the lists are in the composition root).

Patient side: the answers to a programme's message and to the prevention question, and the
question itself, asked below the menu when a registered patient reaches it by a command or
right after registering. Staff side: `/programmes`, Da chiamare, and a patient's tags.
"""

from __future__ import annotations

from collections.abc import Sequence

from flows.codes import PatientGlobal, StaffCode
from flows.events import CommandIn
from flows.patient.onboarding import CONSENT, REGISTER
from flows.programmes import invitation, prevention, staff, tags
from flows.programmes.model import Programme
from flows.router import Handler
from flows.runner import HOME
from flows.turn import Turn

ONBOARDING = (CONSENT.id, REGISTER.id)


class ProgrammeAnswers(Handler):
    """Before the patient routes: taps on programme messages and on the prevention question."""

    def __init__(self, programmes: Sequence[Programme]) -> None:
        self.programmes = tuple(programmes)

    async def on_global(self, turn: Turn, code: str) -> bool:
        args = PatientGlobal.PROGRAMME.args(code)
        if args is not None:
            await invitation.on_button(turn, self.programmes, args)
            return True
        args = PatientGlobal.PREVENTION.args(code)
        if args is not None:
            await prevention.on_button(turn, args)
            return True
        return False


class AskPrevention(Handler):
    """The patient routes, then the prevention question when the turn ended at the menu."""

    def __init__(self, desk: Handler) -> None:
        self.desk = desk

    async def on_command(self, turn: Turn, command: CommandIn) -> bool:
        handled = await self.desk.on_command(turn, command)
        await self._maybe_ask(turn, asked_by_command=True)
        return handled

    async def on_tap(self, turn: Turn, code: str) -> bool:
        before = turn.conversation.flow
        handled = await self.desk.on_tap(turn, code)
        await self._maybe_ask(turn, asked_by_command=before in ONBOARDING)
        return handled

    async def on_global(self, turn: Turn, code: str) -> bool:
        return await self.desk.on_global(turn, code)

    async def on_input(self, turn: Turn) -> bool:
        before = turn.conversation.flow
        handled = await self.desk.on_input(turn)
        await self._maybe_ask(turn, asked_by_command=before in ONBOARDING)
        return handled

    async def show_current(self, turn: Turn, notice: str | None = None) -> bool:
        return await self.desk.show_current(turn, notice)

    @staticmethod
    async def _maybe_ask(turn: Turn, *, asked_by_command: bool) -> None:
        if (
            asked_by_command
            and turn.conversation.flow == HOME
            and await prevention.should_ask(turn)
        ):
            prevention.ask(turn)


class StaffProgrammes(Handler):
    """Before the staff routes: `/programmes` and its screens, `/tags N` and the tag buttons."""

    def __init__(self, programmes: Sequence[Programme], tag_names: Sequence[str]) -> None:
        self.programmes = tuple(programmes)
        self.tags = tuple(tag_names)

    async def on_command(self, turn: Turn, command: CommandIn) -> bool:
        if command.name == staff.COMMAND:
            turn.tapped_message_id = None
            await staff.show_list(turn, self.programmes)
            return True
        if command.name == tags.COMMAND:
            turn.tapped_message_id = None
            await tags.command(turn, self.tags, command.args)
            return True
        return False

    async def on_tap(self, turn: Turn, code: str) -> bool:
        args = StaffCode.PROGRAMMES.args(code)
        if args is not None:
            await staff.on_tap(turn, self.programmes, args)
            return True
        args = StaffCode.TAG.args(code)
        if args is not None:
            await tags.on_tap(turn, self.tags, args)
            return True
        return False
