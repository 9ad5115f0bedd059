"""Pausing, resuming and deleting therapy reminders: a screen with a button pair per therapy.

The buttons outlive menus (``T.<therapy>.<p|d|y>``: pause or resume, delete?, delete!;
``T.0.m`` this screen, ``T.0.l`` the list), so the screen is drawn here rather than declared.
"""

from __future__ import annotations

from flows import runner
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
                turn.action_button(turn.t(toggle, medicine=name), f"T.{therapy.id}.p"),
                turn.action_button(turn.t("therapy.manage.delete"), f"T.{therapy.id}.d"),
            )
        )
    rows.append((turn.action_button(turn.t("button.back"), "T.0.l"),))
    text = turn.t("therapy.manage.prompt")
    turn.show(f"{notice}\n\n{text}" if notice else text, tuple(rows))


async def manage_action(turn: Turn) -> None:
    await show(turn)


async def on_button(turn: Turn, args: list[str]) -> None:
    parsed = parse(args, "pdyml")
    if parsed is None:
        await expired(turn)
        return
    number, op = parsed
    turn.tapped_message_id = tapped(turn)  # these screens replace each other in place
    if op == "l":
        await runner.start_flow(turn, THERAPIES.id)
        return
    if op == "m":
        await show(turn)
        return
    therapy = await own_therapy(turn, number)
    repo = turn.uow.reminders
    name = medicine(therapy)
    if op == "d":
        turn.new_menu()
        buttons = (
            (
                turn.action_button(turn.t("therapy.delete.yes"), f"T.{therapy.id}.y"),
                turn.action_button(turn.t("therapy.delete.no"), "T.0.m"),
            ),
        )
        turn.show(turn.t("therapy.delete.confirm", medicine=name), buttons)
        return
    assert therapy.id is not None
    if op == "y":
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
