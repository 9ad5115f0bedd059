"""What the reminder buttons share: reading their arguments, loading the person's own reminder,
and answering on the message that was tapped."""

from __future__ import annotations

from collections.abc import Collection

from flows.codes import PatientGlobal
from flows.errors import NotFound
from flows.events import TapIn
from flows.reply import Button, Outgoing
from flows.turn import Turn
from storage.tables import Reminder, Therapy


def parse(args: list[str], ops: Collection[str]) -> tuple[int, str] | None:
    """`["12", "t"]` -> (12, "t") when the op is one of `ops`; None for anything else."""
    if len(args) != 2 or not args[0].isdigit() or len(args[0]) > 12 or args[1] not in ops:
        return None
    return int(args[0]), args[1]


def tapped(turn: Turn) -> int | None:
    event = turn.event
    return event.message_id if isinstance(event, TapIn) else None


def answer_on_tapped(
    turn: Turn, text: str, buttons: tuple[tuple[Button, ...], ...] = (), *, home: bool = True
) -> None:
    """Replace the tapped message (and its buttons) with how things stand now.

    A patient's answer ends with the way back to the menu: after a few reminders the menu has
    scrolled far up, and an answered reminder would otherwise be a dead end."""
    rows = (*buttons, (home_button(turn),)) if home else buttons
    turn.reply.add(
        Outgoing(chat_id=turn.chat_id, text=text, buttons=rows, edit_message_id=tapped(turn))
    )


def home_button(turn: Turn) -> Button:
    """«🏠 Menu» on a pushed message: a global code, valid however many menus came since."""
    return turn.action_button(turn.t("button.menu"), PatientGlobal.HOME())


async def own_reminder(turn: Turn, reminder_id: int, kind: str) -> Reminder:
    """The patient's own reminder of this kind; anyone else's is simply not found."""
    reminder = await turn.uow.reminders.get(reminder_id=reminder_id, for_update=True)
    patient = turn.patient
    if reminder is None or patient is None or reminder.patient_id != patient.id:
        raise NotFound("reminder.not_found")
    if reminder.kind != kind:
        raise NotFound("reminder.not_found")
    return reminder


async def own_therapy(turn: Turn, therapy_id: int) -> Therapy:
    therapy = await turn.uow.therapies.get(therapy_id=therapy_id, for_update=True)
    patient = turn.patient
    if therapy is None or patient is None or therapy.patient_id != patient.id or not therapy.active:
        raise NotFound("therapy.not_found")
    return therapy


def clock(turn: Turn) -> str:
    return turn.now.astimezone(turn.desk.settings.tz).strftime("%H:%M")


async def expired(turn: Turn) -> None:
    from flows import runner

    await runner.show_current(turn, notice=turn.t("menu.expired"))
