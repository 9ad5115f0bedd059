"""Welcome, privacy consent (versioned) and registration, before anything else."""

from __future__ import annotations

from datetime import date

from flows.calendar import OpeningHours
from flows.codes import CONSENT_AGAIN
from flows.declarations import Choose, Contact, Flow, Option, Step, Summary, Typed
from flows.parsing import fiscal_code_matches
from flows.practice import practice_text
from flows.registry import Registry
from flows.reply import Outgoing
from flows.runner import INTERNAL, answers, go_home, show_step, start_flow
from flows.turn import Turn
from storage.tables import Patient

AFTER = f"{INTERNAL}after"  # a flow to open once onboarding is done (from a deep link)

CONSENT = Flow(
    id="consent",
    needs_patient=False,
    complete="home",
    cancelled="show_welcome",
    steps=(
        Step(
            "notice",
            prompt="=welcome",
            input=Choose(
                key="consent",
                options=(
                    Option("yes", "consent.accept", goto="!accept_consent"),
                    Option("no", "consent.decline", goto="!decline_consent"),
                ),
            ),
            back=False,
            cancel=False,
        ),
    ),
)

# Cancel (the button, or «annulla» typed) leads back to the welcome: nothing is kept.
REGISTER = Flow(
    id="register",
    complete="register",
    cancelled="leave_registration",
    steps=(
        Step("first_name", "register.first_name", Typed("first_name", max_length=60),
             summary_label="register.label.first_name", back=False),
        Step("last_name", "register.last_name", Typed("last_name", max_length=60),
             summary_label="register.label.last_name"),
        Step("birth_date", "register.birth_date", Typed("birth_date", validator="birth_date"),
             summary_label="register.label.birth_date"),
        Step("fiscal_code", "register.fiscal_code", Typed("fiscal_code", validator="fiscal_code"),
             summary_label="register.label.fiscal_code"),
        Step("phone", "register.phone", Contact("phone"), summary_label="register.label.phone"),
        Step("confirm", "register.confirm", Summary(send_label="button.confirm")),
    ),
)  # fmt: skip


def has_consent(turn: Turn) -> bool:
    patient = turn.patient
    return (
        patient is not None
        and patient.consent_at is not None
        and patient.consent_withdrawn_at is None
        and patient.consent_version == turn.desk.settings.consent_version
    )


def is_registered(turn: Turn) -> bool:
    return turn.patient is not None and turn.patient.registered_at is not None


async def welcome(turn: Turn) -> str:
    settings = turn.desk.settings
    hours = OpeningHours.parse(settings.opening_hours).describe(turn.lang)
    hours_text = "\n".join(f"  {days}: {times}" for days, times in hours)
    parts = [
        turn.t("welcome.title", practice=settings.practice_name),
        turn.t("welcome.hours", hours=hours_text),
        turn.t("welcome.answer_time", days=settings.answer_working_days),
        turn.t("emergency.notice"),
        turn.t("consent.notice", version=settings.consent_version),
    ]
    return "\n\n".join(parts)


async def _keep_welcome(turn: Turn, answer_key: str) -> None:
    """The welcome stays readable (the 112 notice, the privacy text) with the answer given;
    the next screen comes below it as a new message."""
    if turn.tapped_message_id is None:
        return
    text = f"{await welcome(turn)}\n\n{turn.t(answer_key)}"
    turn.reply.add(
        Outgoing(chat_id=turn.chat_id, text=text, edit_message_id=turn.tapped_message_id)
    )
    turn.tapped_message_id = None


async def accept_consent(turn: Turn) -> None:
    settings = turn.desk.settings
    await _keep_welcome(turn, "consent.answer.accepted")
    patient = await _patient_row(turn)
    patient.consent_version = settings.consent_version
    patient.consent_at = turn.now
    patient.consent_withdrawn_at = None
    patient.consent_declined_at = None
    await turn.uow.patients.save(patient=patient)
    after = answers(turn).get(AFTER)
    if patient.registered_at is None:
        await start_flow(turn, REGISTER.id, keep={AFTER: after} if after else None)
    else:
        await _continue(turn, after, notice=turn.t("consent.thanks"))


async def _patient_row(turn: Turn) -> Patient:
    """The person's row, made on their first answer to the privacy notice."""
    if turn.patient is None:
        turn.patient = await turn.uow.patients.add(
            patient=Patient(
                telegram_id=turn.sender.user_id, language=turn.lang, created_at=turn.now
            )
        )
    return turn.patient


async def decline_consent(turn: Turn) -> None:
    """Only the refusal itself is remembered, so we do not ask again at every message."""
    patient = await _patient_row(turn)
    patient.consent_declined_at = turn.now
    await turn.uow.patients.save(patient=patient)
    await _keep_welcome(turn, "consent.answer.declined")
    turn.conversation.flow = None
    turn.conversation.step = None
    turn.new_menu()
    turn.show(
        practice_text(turn, "consent.declined"),
        ((turn.button("consent.changed_mind", CONSENT_AGAIN),),),
    )


async def leave_registration(turn: Turn) -> None:
    """Back to the welcome, as before Accetto: the answers typed so far are dropped and the
    consent given for this registration is taken back, so the choice is offered again."""
    patient = turn.patient
    if patient is not None and patient.registered_at is None:
        patient.consent_at = None
        patient.consent_version = None
        await turn.uow.patients.add(patient=patient)
    after = answers(turn).get(AFTER)
    await start_flow(turn, CONSENT.id, notice=turn.t("register.left"), keep=_after(after))


async def show_welcome(turn: Turn) -> None:
    after = answers(turn).get(AFTER)
    await start_flow(turn, CONSENT.id, keep=_after(after))


def _after(target: object) -> dict[str, object] | None:
    return {AFTER: target} if isinstance(target, str) else None


async def register(turn: Turn) -> None:
    given = answers(turn)
    flow = turn.desk.registry.flow(REGISTER.id)
    birth = date.fromisoformat(str(given["birth_date"]))
    code = str(given["fiscal_code"])
    if not fiscal_code_matches(code, birth_date=birth):
        turn.conversation.step = "fiscal_code"
        await show_step(turn, flow, flow.step("fiscal_code"), notice=turn.t("register.mismatch"))
        return
    patient = turn.patient
    assert patient is not None
    patient.first_name = str(given["first_name"])
    patient.last_name = str(given["last_name"])
    patient.birth_date = birth
    patient.fiscal_code = code
    patient.phone = given.get("phone")
    patient.registered_at = turn.now
    if patient.verification != "verified":
        patient.verification = "pending"
    await turn.uow.patients.save(patient=patient)
    await _continue(turn, given.get(AFTER), notice=turn.t("register.done"))


async def _continue(turn: Turn, after: object, *, notice: str) -> None:
    if isinstance(after, str) and after in turn.desk.registry.flows:
        turn.say(notice)
        await start_flow(turn, after)
    else:
        await go_home(turn, notice=notice)


def registry() -> Registry:
    result = Registry()
    result.add_flow(CONSENT)
    result.add_flow(REGISTER)
    result.describers["welcome"] = welcome
    result.actions.update(
        accept_consent=accept_consent,
        decline_consent=decline_consent,
        register=register,
        leave_registration=leave_registration,
        show_welcome=show_welcome,
    )
    return result
