"""A patient's taps on a programme's message: book (the Visit flow, pre-filled), already done
(roughly when), remind me later (in how long), not interested (once more to be sure).

The follow-up questions record nothing; only the last tap does, through
`flows.programmes.answers`. A tap on a programme no longer running, an answered message, or a
message that is not the patient's own gets a short kind word and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from flows import runner
from flows.codes import PatientGlobal, ProgrammeOp
from flows.programmes import answers
from flows.programmes.booking import BOOKING, ENROLMENT, REASON
from flows.programmes.messages import LETTERS
from flows.programmes.model import Programme
from flows.reminders.common import answer_on_tapped, home_button
from flows.reply import Button
from flows.turn import Turn

# «L'ho già fatto»: roughly when (`answers.ROUGHLY` keys); "don't remember" counts as long ago.
WHEN = ("this_month", "months_1_3", "months_3_6", "older")
SNOOZE_DAYS = (7, 30, 90)


async def on_button(turn: Turn, programmes: Sequence[Programme], args: list[str]) -> None:
    """`PatientGlobal.PROGRAMME`: ``Q.<enrolment>.<op>[.<argument>]``."""
    turn.tapped_message_id = None
    if len(args) not in (2, 3) or not args[0].isdigit() or len(args[0]) > 12:
        refuse(turn, "not_found")
        return
    enrolment_id, op, arg = int(args[0]), args[1], (args[2] if len(args) == 3 else "")
    try:
        programme = await _programme(turn, programmes, enrolment_id)
        await _answer(turn, programme, enrolment_id, op, arg)
    except answers.AnswerRefused as refused:
        refuse(turn, refused.reason)


def refuse(turn: Turn, reason: str) -> None:
    key = "programme.refused.answered" if reason == "answered" else "programme.refused"
    turn.say(turn.t(key), buttons=((home_button(turn),),))


async def _programme(turn: Turn, programmes: Sequence[Programme], enrolment_id: int) -> Programme:
    """The programme of the patient's own open enrolment (what the answer services check too:
    the questions before the last tap are refused the same way)."""
    enrolment = await turn.uow.programmes.enrolment(enrolment_id=enrolment_id)
    patient = turn.patient
    if enrolment is None or patient is None:
        raise answers.AnswerRefused("not_found")
    if enrolment.patient_id != patient.id:
        raise answers.AnswerRefused("not_yours")
    programme = next((p for p in programmes if p.id == enrolment.programme_id), None)
    state = await turn.uow.programmes.programme_state(programme_id=enrolment.programme_id)
    if programme is None or state is None or state.status != "running":
        raise answers.AnswerRefused("not_running")
    if enrolment.state not in answers.OPEN:
        raise answers.AnswerRefused("answered")
    return programme


def _button(turn: Turn, label: str, enrolment_id: int, *args: object) -> Button:
    return turn.action_button(label, PatientGlobal.PROGRAMME(enrolment_id, *args))


async def _answer(turn: Turn, programme: Programme, number: int, op: str, arg: str) -> None:
    patient = turn.patient
    assert patient is not None
    assert patient.id is not None
    pid, now = patient.id, turn.now
    if op == ProgrammeOp.BOOK:
        booking = await answers.book(
            turn.uow, programme, enrolment_id=number, patient_id=pid, now=now
        )
        answer_on_tapped(turn, turn.t("programme.book.started"))
        keep = {ENROLMENT: booking.enrolment_id, REASON: booking.reason}
        await runner.start_flow(turn, BOOKING.id, keep=keep)
    elif op == ProgrammeOp.DONE:
        rows = [(_button(turn, turn.t(f"programme.when.{w}"), number, ProgrammeOp.WHEN, w),)
                for w in WHEN]  # fmt: skip
        answer_on_tapped(turn, turn.t("programme.when.ask"), tuple(rows))
    elif op == ProgrammeOp.WHEN and arg in WHEN:
        today = turn.now.astimezone(turn.desk.settings.tz).date()
        done_on = answers.rough_date(arg, today)
        await answers.already_done(
            turn.uow, programme, done_on=done_on, enrolment_id=number, patient_id=pid, now=now
        )
        answer_on_tapped(turn, turn.t("programme.done.thanks"))
    elif op == ProgrammeOp.LATER:
        rows = [(_button(turn, turn.t(f"programme.later.{d}"), number, ProgrammeOp.SNOOZE, d),)
                for d in SNOOZE_DAYS]  # fmt: skip
        answer_on_tapped(turn, turn.t("programme.later.ask"), tuple(rows))
    elif op == ProgrammeOp.SNOOZE and arg.isdigit() and int(arg) in SNOOZE_DAYS:
        until = turn.now + timedelta(days=int(arg))
        await answers.remind_later(
            turn.uow, programme, until=until, enrolment_id=number, patient_id=pid, now=now
        )
        answer_on_tapped(turn, turn.t(f"programme.later.done.{arg}"))
    elif op == ProgrammeOp.DECLINE:
        sure = (
            (_button(turn, turn.t("programme.decline.yes"), number, ProgrammeOp.DECLINE_YES),),
            (_button(turn, turn.t("programme.decline.no"), number, ProgrammeOp.KEEP),),
        )
        answer_on_tapped(turn, turn.t("programme.decline.ask"), sure)
    elif op == ProgrammeOp.DECLINE_YES:
        await answers.not_interested(
            turn.uow, programme, enrolment_id=number, patient_id=pid, now=now
        )
        answer_on_tapped(turn, turn.t("programme.decline.done"))
    elif op == ProgrammeOp.KEEP:
        rows = [(_button(turn, turn.t(f"programme.answer.{a}"), number, LETTERS[a]),)
                for a in programme.steps[0].buttons]  # fmt: skip
        answer_on_tapped(turn, turn.t("programme.decline.kept"), tuple(rows))
    else:
        raise answers.AnswerRefused("not_found")
