"""Patients waiting for verification; staff verify or block them."""

from __future__ import annotations

from collections.abc import Sequence

from flows.codes import StaffCode, VerifyOp
from flows.errors import DomainError, NotFound
from flows.practice import phone_text
from flows.reply import Button, Outgoing
from flows.staff.actions import staff_of
from flows.staff.screens import age, inbox_button
from flows.turn import Turn
from storage.tables import Patient


async def show(turn: Turn, *, notice: str | None = None) -> None:
    staff_of(turn)
    pending = await turn.uow.patients.pending_verification(limit=10)
    today = turn.now.astimezone(turn.desk.settings.tz).date()
    turn.new_menu()
    lines = [turn.t("patients.title", n=len(pending))]
    rows: list[tuple[Button, ...]] = []
    shared = await _shared_codes(turn, pending)
    for patient in pending:
        name = f"{patient.first_name or ''} {patient.last_name or ''}".strip()
        lines.append(
            turn.t(
                "patients.line",
                id=patient.id,
                name=name,
                age=age(patient.birth_date, today) or "?",
                code=patient.fiscal_code or "—",
            )
        )
        others = shared.get(patient.id or 0)
        if others:
            numbers = ", ".join(str(n) for n in others)
            lines.append(turn.t("patients.fiscal_code_taken", numbers=numbers))
        rows.append(
            (
                turn.button(
                    "patients.verify", StaffCode.PATIENT(patient.id, VerifyOp.VERIFY), id=patient.id
                ),
                turn.button(
                    "patients.block", StaffCode.PATIENT(patient.id, VerifyOp.BLOCK), id=patient.id
                ),
                turn.button("patients.tags", StaffCode.TAG(patient.id)),  # condition tags
            )
        )
    if not pending:
        lines.append(turn.t("patients.none"))
    if notice:
        lines.insert(0, notice)
    rows.append((inbox_button(turn),))
    turn.conversation.flow = "staff"
    turn.conversation.step = "patients"
    turn.show("\n".join(lines), tuple(rows))


async def _shared_codes(turn: Turn, pending: Sequence[Patient]) -> dict[int, list[int]]:
    """For each patient shown, the other registered patients with the same fiscal code: two
    people cannot share one, so staff check who is who before verifying."""
    codes = [p.fiscal_code for p in pending if p.fiscal_code]
    holders = await turn.uow.patients.registered_with_fiscal_codes(codes=codes)
    shared: dict[int, list[int]] = {}
    for patient in pending:
        if patient.id is None or not patient.fiscal_code:
            continue
        others = sorted(i for i, c in holders if c == patient.fiscal_code and i != patient.id)
        if others:
            shared[patient.id] = others
    return shared


async def set_state(turn: Turn, patient_id: int, verification: str) -> str:
    staff_of(turn)
    patient = await turn.uow.patients.get(patient_id=patient_id)
    if patient is None or patient.registered_at is None:
        raise NotFound("patients.not_found", id=patient_id)
    patient.verification = verification
    await turn.uow.patients.save(patient=patient)
    if verification == "blocked" and patient.reachable:
        phone = turn.desk.settings.practice_phone
        text = phone_text(turn.desk.catalog, phone, "patient.blocked", patient.language)
        turn.reply.add(Outgoing(chat_id=patient.telegram_id, text=text))
    name = f"{patient.first_name or ''} {patient.last_name or ''}".strip()
    return turn.t(f"patients.{verification}", name=name)


async def on_tap(turn: Turn, rest: str) -> None:
    number, _, what = rest.partition(":")
    if not number.isdigit() or what not in tuple(VerifyOp):
        await show(turn, notice=turn.t("menu.expired"))
        return
    notice = await set_state(
        turn, int(number), "verified" if what == VerifyOp.VERIFY else "blocked"
    )
    await show(turn, notice=notice)


async def command(turn: Turn, name: str, args: str) -> None:
    text = args.strip()
    if not text.isdigit():
        raise DomainError("staff.usage", usage=turn.t(f"staff.usage.{name}"))
    notice = await set_state(turn, int(text), "verified" if name == "verify" else "blocked")
    await show(turn, notice=notice)
