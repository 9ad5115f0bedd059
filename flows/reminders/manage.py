"""Pausing, resuming and deleting therapy reminders: a screen with a button pair per therapy.

The buttons outlive menus (``T.<therapy>.<p|d|y>``: pause or resume, delete?, delete!;
``T.0.m`` this screen, ``T.0.l`` the list), so the screen is drawn here rather than declared.
"""

from __future__ import annotations

from flows import runner
from flows.codes import PatientGlobal, TherapyOp
from flows.reminders.common import expired, own_therapy, parse, tapped
from flows.reminders.messages import medicine
from flows.reminders.therapy import THERAPIES
from flows.reply import Button
from flows.turn import Turn

LABEL = 24  # characters of the medicine's name on a button


async def show(turn: Turn, notice: str | None = None) -> None:
    patient = turn.patient
    assert patient is not None
    assert patient.id is not None
    therapies = await turn.uow.therapies.of_patient(patient_id=patient.id)
    if not therapies:
        await runner.start_flow(turn, THERAPIES.id, notice=notice or turn.t("therapy.none"))
        return
    turn.new_menu()
    rows: list[tuple[Button, ...]] = []
    for therapy in therapies:
        name = medicine(therapy)[:LABEL]
        toggle = "therapy.manage.resume" if therapy.paused else "therapy.manage.pause"
        rows.append(
            (
                turn.action_button(
                    turn.t(toggle, medicine=name),
                    PatientGlobal.THERAPY(therapy.id, TherapyOp.PAUSE),
                ),
                turn.action_button(
                    turn.t("therapy.manage.delete"),
                    PatientGlobal.THERAPY(therapy.id, TherapyOp.DELETE),
                ),
            )
        )
    rows.append(
        (turn.action_button(turn.t("button.back"), PatientGlobal.THERAPY(0, TherapyOp.LIST)),)
    )
    text = turn.t("therapy.manage.prompt")
    turn.show(f"{notice}\n\n{text}" if notice else text, tuple(rows))


async def manage_action(turn: Turn) -> None:
    await show(turn)


async def on_button(turn: Turn, args: list[str]) -> None:
    parsed = parse(args, tuple(TherapyOp))
    if parsed is None:
        await expired(turn)
        return
    number, op = parsed
    turn.tapped_message_id = tapped(turn)  # these screens replace each other in place
    if op == TherapyOp.LIST:
        await runner.start_flow(turn, THERAPIES.id)
        return
    if op == TherapyOp.MANAGE:
        await show(turn)
        return
    therapy = await own_therapy(turn, number)
    repo = turn.uow.reminders
    name = medicine(therapy)
    if op == TherapyOp.DELETE:
        turn.new_menu()
        buttons = (
            (
                turn.action_button(
                    turn.t("therapy.delete.yes"),
                    PatientGlobal.THERAPY(therapy.id, TherapyOp.DELETE_YES),
                ),
                turn.action_button(
                    turn.t("therapy.delete.no"), PatientGlobal.THERAPY(0, TherapyOp.MANAGE)
                ),
            ),
        )
        turn.show(turn.t("therapy.delete.confirm", medicine=name), buttons)
        return
    assert therapy.id is not None
    if op == TherapyOp.DELETE_YES:
        therapy.active = False
        await repo.cancel_scheduled(therapy_id=therapy.id)
        notice = turn.t("therapy.deleted", medicine=name)
    elif therapy.paused:
        therapy.paused = False
        therapy.planned_until = None  # plan again from now, without doses already past
        await repo.resume(therapy_id=therapy.id, after=turn.now)
        notice = turn.t("therapy.resumed", medicine=name)
    else:
        therapy.paused = True
        await repo.cancel_scheduled(therapy_id=therapy.id)
        notice = turn.t("therapy.paused", medicine=name)
    await turn.uow.therapies.save(therapy=therapy)
    await show(turn, notice)
