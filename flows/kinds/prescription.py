"""Ricetta: repeat a medicine the patient already takes, or ask for a new one; then how to get it.

A repeat stays a repeat even when nothing is saved for the patient: they type the name, and the
summary and the staff card still say "repeat". A name typed with its dose ("Ramipril 5 mg") is not
asked for the dose again.

The repeat list is the patient's active therapies plus the medicines of their last prescription
requests. Button data cannot carry a medicine's name (64 bytes), so options are ``t<therapy id>``
and ``r<request id>``; the name travels as the option's label, which the summary files.
"""

from __future__ import annotations

import re
from typing import Any

from flows import runner
from flows.answers import TEXT, filed_lines
from flows.declarations import Choose, Option, Step, Typed
from flows.kinds.common import RequestKind, request_flow
from flows.turn import Turn

PROVIDER = "prescription_saved"
REPEAT = "prescription_repeat"
NAMED = "prescription_named"
MEDICINE_LABEL = "prescription.label.medicine"
DOSE_LABEL = "prescription.label.dose"
NEW_LABEL = "prescription.what.new"
REPEATED_LABEL = "prescription.what.repeated"
PAST_REQUESTS = 5
# A strength written with the name: a number, then a unit of dose (5 mg, 2,5 mg, 100 UI, 1%).
DOSE_IN_NAME = re.compile(r"\d+(?:[.,]\d+)?\s*(?:mg|mcg|µg|ml|g|ui|u\.i\.|%)(?![a-z])", re.I)

FLOW = request_flow(
    "prescription",
    Step(
        "what",
        prompt="prescription.what",
        input=Choose(
            key="what",
            options=(
                Option(
                    "repeat",
                    "prescription.what.repeat",
                    goto=f"!{REPEAT}",
                    summary=REPEATED_LABEL,
                ),
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
        next=f"!{NAMED}",
        only_if=("what", ("new", "repeat")),
        summary_label=MEDICINE_LABEL,
    ),
    Step(
        "dose",
        prompt="prescription.dose",
        input=Typed("dose", max_length=80, optional=True),
        only_if=("what", ("new", "repeat")),
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
    icon="💊",
    rank=10,
    links=("ricetta",),
)


async def saved_medicines(turn: Turn, _step: Step) -> list[tuple[str, str]]:
    """The patient's active therapies, then medicines of their last requests not among them."""
    patient = turn.patient
    if patient is None or patient.id is None:
        return []
    therapies = await turn.uow.patients.active_therapies(patient_id=patient.id)
    found: list[tuple[str, str]] = []
    for therapy in therapies:
        found.append((f"t{therapy.id}", _named(therapy.medicine, therapy.dose)))
    requests = await turn.uow.requests.for_patient(
        patient_id=patient.id, kind="prescription", limit=PAST_REQUESTS
    )
    for request in requests:
        name = medicine_of(request.answers)
        if name and name.casefold() not in {label.casefold() for _, label in found}:
            found.append((f"r{request.id}", name))
    return found


def medicine_of(stored: dict[str, Any]) -> str:
    """The medicine a filed prescription request asked for: its answers to the medicine and dose
    questions (a name picked from the saved list already says its dose)."""
    given = {line.label: str(line.value) for line in filed_lines(stored) if line.kind == TEXT}
    return _named(given.get(MEDICINE_LABEL, ""), given.get(DOSE_LABEL))


def _named(medicine: str, dose: str | None) -> str:
    return " ".join(part.strip() for part in (medicine, dose or "") if part.strip())


async def repeat(turn: Turn) -> None:
    """Repeat: the saved list, or, when there is nothing saved, the name typed; a repeat still."""
    position = runner.current(turn)
    assert position is not None
    flow, _ = position
    saved = bool(await saved_medicines(turn, flow.step("saved")))
    # Only one way to name the medicine is filed: drop what an earlier branch left behind.
    dropped = ("medicine", "dose") if saved else ("saved", f"{runner.INTERNAL}saved_label")
    given = {k: v for k, v in runner.answers(turn).items() if k not in dropped}
    turn.conversation.answers = {
        **given,
        "what": "repeat",
        f"{runner.INTERNAL}what_label": turn.t(REPEATED_LABEL),
    }
    if saved:
        await runner.goto(turn, flow, "saved")
        return
    await runner.goto(turn, flow, "medicine", notice=turn.t("prescription.nothing_saved"))


def carries_dose(name: str) -> bool:
    """Whether a typed medicine name already says its strength ("Ramipril 5 mg")."""
    return DOSE_IN_NAME.search(name) is not None


async def named(turn: Turn) -> None:
    """After the name: the dose, unless the name already carries it."""
    position = runner.current(turn)
    assert position is not None
    flow, _ = position
    given = runner.answers(turn)
    if carries_dose(str(given.get("medicine") or "")):
        turn.conversation.answers = {k: v for k, v in given.items() if k != "dose"}
        await runner.goto(turn, flow, "boxes")
        return
    await runner.goto(turn, flow, "dose")


PRESCRIPTION = KIND = RequestKind(
    FLOW, providers={PROVIDER: saved_medicines}, actions={REPEAT: repeat, NAMED: named}
)
