"""A patient's condition tags on their card, set by staff with one tap each (`/tags N`, or the
🏷 button on the patients to verify). The tags offered are the practice's declared ones."""

from __future__ import annotations

from collections.abc import Sequence

from flows.codes import StaffCode
from flows.errors import DomainError, NotFound
from flows.reply import Button
from flows.staff.actions import staff_of
from flows.staff.screens import age, inbox_button
from flows.turn import Turn

COMMAND = "tags"
PICKED = "✅ "


async def show(
    turn: Turn, names: Sequence[str], patient_id: int, *, notice: str | None = None
) -> None:
    staff_of(turn)
    patient = await turn.uow.patients.get(patient_id=patient_id)
    if patient is None or patient.registered_at is None:
        raise NotFound("patients.not_found", id=patient_id)
    held = set(await turn.uow.programmes.tags_of(patient_id=patient_id))
    today = turn.now.astimezone(turn.desk.settings.tz).date()
    turn.new_menu()
    name = f"{patient.first_name or ''} {patient.last_name or ''}".strip()
    years = age(patient.birth_date, today) or "?"
    code = patient.fiscal_code or "—"
    lines = [turn.t("tags.title", id=patient_id, name=name, age=years, code=code)]
    if notice:
        lines.insert(0, notice)
    buttons = [
        turn.button_text(PICKED + tag if tag in held else tag, StaffCode.TAG(patient_id, index))
        for index, tag in enumerate(names)
    ]
    rows: list[tuple[Button, ...]] = [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
    rows.append((inbox_button(turn),))
    turn.conversation.flow, turn.conversation.step = "staff", "tags"
    turn.show("\n\n".join(lines), tuple(rows))


async def on_tap(turn: Turn, names: Sequence[str], args: list[str]) -> None:
    if not args or not args[0].isdigit():
        raise NotFound("patients.not_found", id=0)
    patient_id = int(args[0])
    if len(args) == 2 and args[1].isdigit() and int(args[1]) < len(names):
        staff_of(turn)
        tag = names[int(args[1])]
        held = await turn.uow.programmes.tags_of(patient_id=patient_id)
        if tag in held:
            await turn.uow.programmes.remove_tags(patient_id=patient_id, tags=[tag])
        else:
            await turn.uow.programmes.add_tags(pairs=[(patient_id, tag)], now=turn.now)
    await show(turn, names, patient_id)


async def command(turn: Turn, names: Sequence[str], args: str) -> None:
    text = args.strip().lstrip("#")
    if not text.isdigit() or len(text) > 12:
        raise DomainError("staff.usage", usage=turn.t("staff.usage.tags"))
    await show(turn, names, int(text))
