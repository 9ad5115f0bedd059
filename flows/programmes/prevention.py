"""Consent to prevention reminders, apart from the consent to care: asked once (after
registration, or at the menu for a patient who never answered) while the practice runs a
programme, recorded with its version, and changed in Settings & privacy. Without it no
programme message is sent (the segment leaves such patients out)."""

from __future__ import annotations

from typing import Final

from flows.codes import PatientGlobal, PreventionOp
from flows.declarations import Choose, Step
from flows.registry import Registry
from flows.reminders.common import answer_on_tapped
from flows.runner import go_home
from flows.turn import Turn

VERSION: Final = "1"  # a new wording of the question is a new version


async def should_ask(turn: Turn) -> bool:
    """A registered patient, acting for themselves, who never answered, while a programme runs."""
    patient = turn.patient
    if patient is None or patient.id is None or patient.registered_at is None:
        return False
    if patient.consent_at is None or patient.consent_withdrawn_at is not None:
        return False
    if patient.telegram_id != turn.sender.user_id or patient.verification == "blocked":
        return False
    if await turn.uow.programmes.prevention_consent(patient_id=patient.id) is not None:
        return False
    states = await turn.uow.programmes.programme_states()
    return any(state.status == "running" for state in states)


def ask(turn: Turn) -> None:
    """The question, below the menu, with buttons that outlive menus."""
    buttons = (
        (
            turn.action_button(
                turn.t("prevention.yes"), PatientGlobal.PREVENTION(PreventionOp.YES)
            ),
            turn.action_button(turn.t("prevention.no"), PatientGlobal.PREVENTION(PreventionOp.NO)),
        ),
    )
    turn.say(turn.t("prevention.ask"), buttons=buttons)


async def on_button(turn: Turn, args: list[str]) -> None:
    """`PatientGlobal.PREVENTION`: the answer to the question."""
    turn.tapped_message_id = None
    patient = turn.patient
    if patient is None or patient.id is None or patient.telegram_id != turn.sender.user_id:
        turn.say(turn.t("prevention.own_only"))
        return
    if args == [PreventionOp.YES]:
        await give(turn, patient.id)
        answer_on_tapped(turn, turn.t("prevention.given"))
    else:
        await refuse(turn, patient.id)
        answer_on_tapped(turn, turn.t("prevention.declined"))


async def give(turn: Turn, patient_id: int) -> None:
    await turn.uow.programmes.give_prevention_consent(
        patient_id=patient_id, version=VERSION, now=turn.now
    )


async def refuse(turn: Turn, patient_id: int) -> None:
    """Declined or withdrawn: what still waited to be sent is dropped."""
    programmes = turn.uow.programmes
    if await programmes.has_prevention_consent(patient_id=patient_id):
        await programmes.withdraw_prevention_consent(patient_id=patient_id, now=turn.now)
    else:
        await programmes.decline_prevention_consent(patient_id=patient_id, now=turn.now)
    await programmes.cancel_waiting_messages(patient_id=patient_id)


# --- Settings & privacy ------------------------------------------------------------------

SETTINGS_STEP = Step(
    "prevention",
    "=prevention_settings",
    Choose(key="prevention", provider="prevention_ops"),
    cancel=False,
)


async def settings_prompt(turn: Turn) -> str:
    given = await _given(turn)
    return turn.t("prevention.settings.on" if given else "prevention.settings.off")


async def settings_ops(turn: Turn, _step: Step) -> list[tuple[str, str]]:
    given = await _given(turn)
    if given:
        return [("!prevention_off", turn.t("prevention.settings.stop"))]
    return [("!prevention_on", turn.t("prevention.settings.start"))]


async def _given(turn: Turn) -> bool:
    patient = turn.patient
    if patient is None or patient.id is None:
        return False
    return await turn.uow.programmes.has_prevention_consent(patient_id=patient.id)


async def switch_on(turn: Turn) -> None:
    if turn.patient is not None and turn.patient.id is not None:
        await give(turn, turn.patient.id)
    await go_home(turn, notice=turn.t("prevention.given"))


async def switch_off(turn: Turn) -> None:
    if turn.patient is not None and turn.patient.id is not None:
        await refuse(turn, turn.patient.id)
    await go_home(turn, notice=turn.t("prevention.declined"))


def registry() -> Registry:
    result = Registry()
    result.describers["prevention_settings"] = settings_prompt
    result.providers["prevention_ops"] = settings_ops
    result.actions.update(prevention_on=switch_on, prevention_off=switch_off)
    return result
