"""What each reminder says and which buttons it carries, in the reader's language.

Buttons on pushed messages outlive menus, so they carry global codes, signed for the chat they go
to: ``M.<reminder>.<t|s|k|r|b>`` a dose (taken, snooze, skip, refill, new box),
``A.<reminder>.<y|n|c|k>`` an appointment (confirm, cancel?, cancel!, keep),
``N.<appointment>.<a|n>`` staff marking attended or no-show, ``G.<request>.<1-5>`` the old stars
(still answered; the satisfaction question is `flows.satisfaction`),
``K.<reminder>.<b|s|w>`` a check-back answer, ``C.<caregiver>.a`` a caregiver acting for the
patient, ``T.<therapy>.<p|d|y>`` managing a therapy (see `manage`), ``H`` back to the main menu.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flows.codes import (
    AppointmentOp,
    AttendanceOp,
    CheckbackOp,
    DoseOp,
    PatientGlobal,
    StaffGlobal,
)
from flows.dates import day_and_time
from flows.reply import Button, Outgoing
from flows.turn import TurnDesk
from storage.tables import Appointment, Patient, Reminder, Therapy

MAX_SNOOZES = 3


@dataclass(frozen=True, slots=True)
class Words:
    """Texts and signed buttons for one reader."""

    desk: TurnDesk
    lang: str
    chat_id: int

    def t(self, key: str, /, **params: Any) -> str:
        return self.desk.catalog.text(key, self.lang, **params)

    def button(self, key: str, code: str, **params: Any) -> Button:
        data = self.desk.codec.encode(chat_id=self.chat_id, code=code)
        return Button(self.t(key, **params), data)

    def when(self, moment: datetime) -> str:
        return day_and_time(moment, tz=self.desk.settings.tz, lang=self.lang)

    def clock(self, moment: datetime) -> str:
        return moment.astimezone(self.desk.settings.tz).strftime("%H:%M")


def for_patient(desk: TurnDesk, patient: Patient) -> Words:
    return Words(desk, patient.language, patient.telegram_id)


def short_name(patient: Patient | None) -> str:
    """'Maria B.': enough for staff and family to know who, no more."""
    if patient is None:
        return "?"
    initial = f"{patient.last_name[0]}." if patient.last_name else ""
    return f"{patient.first_name or ''} {initial}".strip() or f"#{patient.id}"


def medicine(therapy: Therapy) -> str:
    return " ".join(part for part in (therapy.medicine, therapy.dose or "") if part).strip()


def days_of_pills(therapy: Therapy) -> float | None:
    if therapy.pills_left is None or not therapy.times:
        return None
    per_week = len(therapy.times) * (len(therapy.weekdays) or 7)
    return therapy.pills_left / (per_week / 7)


def running_low(desk: TurnDesk, therapy: Therapy) -> bool:
    days = days_of_pills(therapy)
    limit = desk.settings.refill_days
    return days is not None and limit > 0 and days < limit


def refill_rows(words: Words, therapy: Therapy, reminder: Reminder) -> list[tuple[Button, ...]]:
    if therapy.refill_request_id is not None:
        return [
            (words.button("dose.button.new_box", PatientGlobal.DOSE(reminder.id, DoseOp.NEW_BOX)),)
        ]
    if running_low(words.desk, therapy):
        return [
            (words.button("dose.button.refill", PatientGlobal.DOSE(reminder.id, DoseOp.REFILL)),)
        ]
    return []


def stock_line(words: Words, therapy: Therapy) -> str | None:
    if therapy.refill_request_id is not None:
        return words.t("dose.refill_pending", number=therapy.refill_request_id)
    if running_low(words.desk, therapy):
        return words.t("dose.running_low", n=therapy.pills_left)
    return None


def dose(desk: TurnDesk, patient: Patient, therapy: Therapy, reminder: Reminder) -> Outgoing:
    words = for_patient(desk, patient)
    at = str(reminder.payload.get("time") or words.clock(reminder.due_at))
    # A snoozed dose arrives later than its planned time: say which dose it is, not "it is 08:00".
    key = "dose.text.snoozed" if reminder.snoozes else "dose.text"
    lines = [words.t(key, medicine=medicine(therapy), time=at)]
    stock = stock_line(words, therapy)
    if stock:
        lines.append(stock)
    rows: list[tuple[Button, ...]] = [
        (words.button("dose.button.taken", PatientGlobal.DOSE(reminder.id, DoseOp.TAKEN)),)
    ]
    later = [words.button("dose.button.skip", PatientGlobal.DOSE(reminder.id, DoseOp.SKIP))]
    if reminder.snoozes < MAX_SNOOZES:
        minutes = desk.settings.snooze_minutes
        later.insert(
            0,
            words.button(
                "dose.button.snooze", PatientGlobal.DOSE(reminder.id, DoseOp.SNOOZE), n=minutes
            ),
        )
    rows.append(tuple(later))
    rows.extend(refill_rows(words, therapy, reminder))
    return Outgoing(chat_id=patient.telegram_id, text="\n\n".join(lines), buttons=tuple(rows))


def dose_missed(desk: TurnDesk, patient: Patient, therapy: Therapy, reminder: Reminder) -> Outgoing:
    """The dose message, edited once its window is over: no more buttons to tap."""
    words = for_patient(desk, patient)
    at = str(reminder.payload.get("time") or words.clock(reminder.due_at))
    return Outgoing(
        chat_id=patient.telegram_id,
        text=words.t("dose.missed", medicine=medicine(therapy), time=at),
        edit_message_id=reminder.telegram_message_id,
    )


def caregiver_alert(
    desk: TurnDesk, lang: str, chat_id: int, patient: Patient, therapy: Therapy, at: str
) -> Outgoing:
    words = Words(desk, lang, chat_id)
    text = words.t("caregiver.alert", name=short_name(patient), medicine=medicine(therapy), time=at)
    return Outgoing(chat_id=chat_id, text=text)


def appointment(
    desk: TurnDesk, patient: Patient, visit: Appointment, reminder: Reminder
) -> Outgoing:
    words = for_patient(desk, patient)
    text = words.t(
        "appointment.reminder",
        when=words.when(visit.starts_at),
        modality=words.t(f"appointment.modality.{visit.modality}"),
    )
    settings = desk.settings
    # Where to go and whom to call, for a patient reading this on the way.
    if visit.modality == "in_person" and settings.practice_address.strip():
        text += "\n" + words.t("appointment.address", address=settings.practice_address.strip())
    if settings.practice_phone.strip():
        text += "\n" + words.t("appointment.phone", phone=settings.practice_phone.strip())
    rows = (
        (
            words.button(
                "appointment.button.confirm",
                PatientGlobal.APPOINTMENT(reminder.id, AppointmentOp.CONFIRM),
            ),
        ),
        (
            words.button(
                "appointment.button.cancel",
                PatientGlobal.APPOINTMENT(reminder.id, AppointmentOp.CANCEL),
            ),
        ),
    )
    return Outgoing(chat_id=patient.telegram_id, text=text, buttons=rows)


def attendance(
    desk: TurnDesk, chat_id: int, patient: Patient | None, visit: Appointment
) -> Outgoing:
    words = Words(desk, desk.settings.default_language, chat_id)
    text = words.t(
        "attendance.prompt",
        name=short_name(patient),
        when=words.when(visit.starts_at),
        number=visit.request_id or "-",
    )
    rows = (
        (
            words.button(
                "attendance.button.attended",
                StaffGlobal.ATTENDANCE(visit.id, AttendanceOp.ATTENDED),
            ),
            words.button(
                "attendance.button.no_show", StaffGlobal.ATTENDANCE(visit.id, AttendanceOp.NO_SHOW)
            ),
        ),
    )
    return Outgoing(chat_id=chat_id, text=text, buttons=rows)


def checkback(desk: TurnDesk, patient: Patient, reminder: Reminder) -> Outgoing:
    words = for_patient(desk, patient)
    question = desk.settings.checkback_text.strip() or words.t("checkback.default")
    text = words.t("checkback.text", question=question)
    rows = (
        (
            words.button(
                "checkback.better", PatientGlobal.CHECKBACK(reminder.id, CheckbackOp.BETTER)
            ),
            words.button("checkback.same", PatientGlobal.CHECKBACK(reminder.id, CheckbackOp.SAME)),
            words.button(
                "checkback.worse", PatientGlobal.CHECKBACK(reminder.id, CheckbackOp.WORSE)
            ),
        ),
    )
    return Outgoing(chat_id=patient.telegram_id, text=text, buttons=rows)
