"""Appointment reminders answered, and staff saying whether the patient came.

Confirm is recorded. Cancel asks once more, then cancels the appointment, stops its other
reminders and tells on-duty staff at once (or first thing in the morning, in quiet hours);
inside the notice period it is refused with the practice's phone number instead. After the
slot staff get Attended / No-show; attended visits get the configured check-backs.
"""

from __future__ import annotations

from datetime import timedelta

from flows.codes import AppointmentOp, AttendanceOp, PatientGlobal
from flows.errors import NotFound
from flows.practice import practice_text
from flows.reminders import messages, outbox
from flows.reminders.common import (
    answer_on_tapped,
    expired,
    home_button,
    own_reminder,
    parse,
    tapped,
)
from flows.reminders.plans import checkbacks
from flows.reminders.times import in_quiet_hours
from flows.reply import Outgoing
from flows.staff.actions import staff_of
from flows.turn import Turn
from storage.repositories.reminders import ANSWERED
from storage.tables import Appointment, Patient, Reminder, RequestEvent


async def on_button(turn: Turn, args: list[str]) -> None:
    """A patient's tap on an appointment reminder: ``A.<reminder>.<y|n|c|k>``."""
    parsed = parse(args, tuple(AppointmentOp))
    if parsed is None:
        await expired(turn)
        return
    number, op = parsed
    reminder = await own_reminder(turn, number, "appointment")
    visit = await turn.uow.appointments.get(appointment_id=reminder.appointment_id or 0)
    if visit is None:
        raise NotFound("reminder.not_found")
    words = messages.for_patient(turn.desk, _patient(turn))
    when = words.when(visit.starts_at)
    if visit.status != "confirmed":
        status = turn.t(f"visit.status.{visit.status}")
        answer_on_tapped(turn, turn.t("appointment.already", when=when, status=status))
        return
    if op == AppointmentOp.KEEP:
        original = messages.appointment(turn.desk, _patient(turn), visit, reminder)
        answer_on_tapped(turn, original.text, original.buttons)
        return
    if op == AppointmentOp.CONFIRM:
        await _answer(turn, reminder, "confirmed")
        answer_on_tapped(turn, turn.t("appointment.confirmed", when=when))
        return
    deadline = visit.starts_at - timedelta(minutes=turn.desk.settings.cancel_notice_minutes)
    if turn.now > deadline:
        text = practice_text(turn, "appointment.too_late", when=when)
        turn.say(text, buttons=((home_button(turn),),))
        return
    if op == AppointmentOp.CANCEL:
        sure = (
            (
                words.button(
                    "appointment.button.cancel_yes",
                    PatientGlobal.APPOINTMENT(reminder.id, AppointmentOp.CANCEL_YES),
                ),
            ),
            (
                words.button(
                    "appointment.button.keep",
                    PatientGlobal.APPOINTMENT(reminder.id, AppointmentOp.KEEP),
                ),
            ),
        )
        answer_on_tapped(turn, turn.t("appointment.cancel_confirm", when=when), sure)
        return
    await cancel(turn, reminder, visit)
    answer_on_tapped(turn, turn.t("appointment.cancelled", when=when))


def _patient(turn: Turn) -> Patient:
    assert turn.patient is not None
    return turn.patient


async def _answer(turn: Turn, reminder: Reminder, what: str) -> None:
    reminder.status = ANSWERED
    reminder.answer = what
    reminder.answered_at = turn.now
    await turn.uow.reminders.save(reminder=reminder)


async def cancel(turn: Turn, reminder: Reminder, visit: Appointment) -> None:
    await _answer(turn, reminder, "cancelled")
    visit.status = "cancelled"
    visit.cancelled_at = turn.now
    await turn.uow.appointments.save(appointment=visit)
    assert visit.id is not None
    await turn.uow.reminders.cancel_scheduled(appointment_id=visit.id)
    if visit.request_id is not None:
        await turn.uow.requests.add_event(
            event=RequestEvent(
                request_id=visit.request_id,
                at=turn.now,
                actor_kind="patient",
                actor_id=visit.patient_id,
                action="visit_cancelled",
            )
        )
    await tell_staff(turn, visit)


async def tell_staff(turn: Turn, visit: Appointment) -> None:
    """A cancellation frees a slot someone else may need: staff hear of it at once."""
    desk = turn.desk
    lang = desk.settings.default_language
    night = in_quiet_hours(turn.now, desk.settings)
    rows = []
    for member in await turn.uow.staff.list():
        if not member.on_duty:
            continue
        words = messages.Words(desk, lang, member.telegram_id)
        text = words.t(
            "staff.notice.visit_cancelled",
            name=messages.short_name(turn.patient),
            when=words.when(visit.starts_at),
            number=visit.request_id or "-",
        )
        message = Outgoing(chat_id=member.telegram_id, text=text)
        if not night:
            turn.reply.add(message)
            continue
        key = f"cancelled:{visit.id}:{member.telegram_id}"
        rows.append(outbox.row(key=key, message=message, kind="staff_notice", now=turn.now,
                               settings=desk.settings))  # fmt: skip
    await outbox.enqueue(turn.uow, rows)


async def on_attendance(turn: Turn, args: list[str]) -> None:
    """Staff's tap after the slot: ``N.<appointment>.<a|n>``."""
    staff = staff_of(turn)
    parsed = parse(args, tuple(AttendanceOp))
    if parsed is None:
        turn.say(turn.t("menu.expired"))
        return
    number, op = parsed
    visit = await turn.uow.appointments.get(appointment_id=number, for_update=True)
    if visit is None:
        raise NotFound("visit.not_found")
    patient = await turn.uow.patients.get(patient_id=visit.patient_id)
    words = messages.Words(turn.desk, turn.lang, turn.chat_id)
    name, when = messages.short_name(patient), words.when(visit.starts_at)
    if visit.status != "confirmed":
        status = turn.t(f"visit.status.{visit.status}")
        already = turn.t("attendance.already", name=name, when=when, status=status)
        answer_on_tapped(turn, already, home=False)
        return
    visit.status = "attended" if op == AttendanceOp.ATTENDED else "no_show"
    visit.marked_at, visit.marked_by = turn.now, staff.id
    await turn.uow.appointments.save(appointment=visit)
    if visit.request_id is not None:
        await turn.uow.requests.add_event(
            event=RequestEvent(
                request_id=visit.request_id,
                at=turn.now,
                actor_kind="staff",
                actor_id=staff.id,
                action=visit.status,
            )
        )
    if visit.status == "attended":
        rows = checkbacks(visit, now=turn.now, settings=turn.desk.settings)
        await turn.uow.reminders.plan(rows=rows)
    status = turn.t(f"visit.status.{visit.status}")
    text = turn.t("attendance.marked", name=name, when=when, status=status, who=staff.name)
    turn.reply.add(Outgoing(chat_id=turn.chat_id, text=text, edit_message_id=tapped(turn)))
