"""Ricetta: repeat a medicine the patient already takes, or ask for a new one; then how to get it.

The repeat list is the patient's active therapies plus the medicines of their last prescription
requests. Button data cannot carry a medicine's name (64 bytes), so options are ``t<therapy id>``
and ``r<request id>``; the name travels as the option's label, which the summary files.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from flows import runner
from flows.declarations import Choose, Option, Step, Typed
from flows.kinds.common import RequestKind, request_flow
from flows.turn import Turn
from storage.tables import Request, Therapy

PROVIDER = "prescription_saved"
REPEAT = "prescription_repeat"
MEDICINE_LABEL = "prescription.label.medicine"
DOSE_LABEL = "prescription.label.dose"
NEW_LABEL = "prescription.what.new"
PAST_REQUESTS = 5

FLOW = request_flow(
    "prescription",
    Step(
        "what",
        prompt="prescription.what",
        input=Choose(
            key="what",
            options=(
                Option("repeat", "prescription.what.repeat", goto=f"!{REPEAT}"),
                Option("new", NEW_LABEL, goto="medicine"),
            ),
        ),
        summary_label="prescription.label.what",
    ),
    Step(
        "saved",
        prompt="prescription.saved",
        input=Choose(key="saved", provider=PROVIDER),
        next="boxes",
        only_if=("what", ("repeat",)),
        summary_label=MEDICINE_LABEL,
    ),
    Step(
        "medicine",
        prompt="prescription.medicine",
        input=Typed("medicine", max_length=80),
        only_if=("what", ("new",)),
        summary_label=MEDICINE_LABEL,
    ),
    Step(
        "dose",
        prompt="prescription.dose",
        input=Typed("dose", max_length=80, optional=True),
        only_if=("what", ("new",)),
        summary_label=DOSE_LABEL,
    ),
    Step(
        "boxes",
        prompt="prescription.boxes",
        input=Typed(
            "boxes",
            validator="number",
            min_value=1,
            max_value=6,
            quick=(
                Option("1", "prescription.boxes.1"),
                Option("2", "prescription.boxes.2"),
                Option("3", "prescription.boxes.3"),
            ),
        ),
        summary_label="prescription.label.boxes",
    ),
    Step(
        "delivery",
        prompt="prescription.delivery",
        input=Choose(
            key="delivery",
            options=(
                Option("nre", "prescription.delivery.nre"),
                Option("practice", "prescription.delivery.practice"),
                Option("pharmacy", "prescription.delivery.pharmacy"),
            ),
        ),
        summary_label="prescription.label.delivery",
    ),
    Step(
        "pharmacy",
        prompt="prescription.pharmacy",
        input=Typed("pharmacy", max_length=80),
        only_if=("delivery", ("pharmacy",)),
        summary_label="prescription.label.pharmacy",
    ),
)


async def saved_medicines(turn: Turn, _step: Step) -> list[tuple[str, str]]:
    """The patient's active therapies, then medicines of their last requests not among them."""
    patient = turn.patient
    if patient is None or patient.id is None:
        return []
    session = turn.uow.session
    therapies = await session.exec(
        select(Therapy)
        .where(Therapy.patient_id == patient.id, col(Therapy.active).is_(True))
        .order_by(col(Therapy.medicine), col(Therapy.id))
    )
    found: list[tuple[str, str]] = []
    for therapy in therapies.all():
        found.append((f"t{therapy.id}", _named(therapy.medicine, therapy.dose)))
    requests = await session.exec(
        select(Request)
        .where(Request.patient_id == patient.id, Request.kind == "prescription")
        .order_by(col(Request.created_at).desc(), col(Request.id).desc())
        .limit(PAST_REQUESTS)
    )
    for request in requests.all():
        name = medicine_of(request.answers)
        if name and name.casefold() not in {label.casefold() for _, label in found}:
            found.append((f"r{request.id}", name))
    return found


def medicine_of(stored: dict[str, Any]) -> str:
    """The medicine a filed prescription request asked for, as its summary showed it."""
    shown = {
        line.get("label"): str(line.get("value") or "")
        for line in stored.get("_lines") or []
        if isinstance(line, dict)
    }
    return _named(shown.get(MEDICINE_LABEL, ""), shown.get(DOSE_LABEL))


def _named(medicine: str, dose: str | None) -> str:
    return " ".join(part.strip() for part in (medicine, dose or "") if part.strip())


async def repeat(turn: Turn) -> None:
    """Repeat: the saved list, or, when there is nothing saved, straight to a new medicine."""
    position = runner.current(turn)
    assert position is not None
    flow, _ = position
    if await saved_medicines(turn, flow.step("saved")):
        await runner.goto(turn, flow, "saved")
        return
    runner.store(turn, what="new", **{f"{runner.INTERNAL}what_label": turn.t(NEW_LABEL)})
    await runner.goto(turn, flow, "medicine", notice=turn.t("prescription.nothing_saved"))


PRESCRIPTION = RequestKind(FLOW, providers={PROVIDER: saved_medicines}, actions={REPEAT: repeat})
