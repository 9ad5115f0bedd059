"""Visit slots: staff propose a day and time, the patient confirms or asks for another.

A slot on a public holiday or a day the practice is closed is not proposed at once: staff are
asked whether they mean it (Sì / No), and may insist."""

from __future__ import annotations

import re
from datetime import datetime

from flows.calendar import OpeningHours, holiday_name
from flows.codes import AnswerOp, CardOp, PatientGlobal, StaffCode
from flows.dates import day_and_time
from flows.errors import DomainError, NotFound
from flows.lifecycle import Action, State
from flows.parsing import Invalid, parse_date, parse_time
from flows.reply import Button, Outgoing
from flows.staff import actions
from flows.turn import Turn
from storage.tables import Appointment

SLOT = re.compile(r"^\s*(\S+)\s+(?:alle\s+|ore\s+|at\s+)?(\S+)\s*$", re.IGNORECASE)
SLOT_EXAMPLE = "25/11 10:30"
PENDING = "slot_pending"  # the slot typed, kept in the staff conversation while they decide


def parse_slot(turn: Turn, raw: str) -> datetime:
    tz = turn.desk.settings.tz
    today = turn.now.astimezone(tz).date()
    match = SLOT.match(raw)
    if match is None:
        raise DomainError("staff.slot.bad", example=SLOT_EXAMPLE)
    day = parse_date(match[1], today=today, allow_past=False, allow_future=True, max_days_ahead=180)
    at = parse_time(match[2])
    if isinstance(day, Invalid) or isinstance(at, Invalid):
        raise DomainError("staff.slot.bad", example=SLOT_EXAMPLE)
    when = datetime.combine(day.value, at.value, tzinfo=tz)
    if when <= turn.now:
        raise DomainError("staff.slot.past", example=SLOT_EXAMPLE)
    return when


def closure_of(turn: Turn, when: datetime) -> str | None:
    """Why the practice is shut on the day of `when` (a holiday, a closure), or None."""
    settings = turn.desk.settings
    day = when.astimezone(settings.tz).date()
    shown = day.strftime("%d/%m")
    name = holiday_name(day, turn.lang)
    if name is not None:
        return turn.t("staff.slot.holiday", day=shown, name=name)
    hours = OpeningHours.parse(settings.opening_hours)
    if day in settings.extra_closed_days or not hours.intervals_on(day):
        return turn.t("staff.slot.closed_day", day=shown)
    return None


def ask_to_insist(turn: Turn, number: int, raw: str, why: str) -> None:
    turn.conversation.flow = "staff"
    turn.conversation.step = "card"
    turn.conversation.answers = {
        **(turn.conversation.answers or {}),
        "request": number,
        PENDING: raw,
    }
    turn.new_menu()
    turn.show(
        why,
        (
            (
                turn.button("staff.slot.insist", StaffCode.ACT(number, CardOp.INSIST)),
                turn.button("staff.slot.rethink", StaffCode.OPEN(number)),
            ),
        ),
    )


async def propose(turn: Turn, number: int, raw: str, *, insist: bool = False) -> Appointment | None:
    """Propose the slot typed; None when staff are first asked about a closed day."""
    request = await actions.load(turn, number, for_update=True)
    if request.kind != "visit":
        raise DomainError("staff.slot.not_visit", number=number)
    when = parse_slot(turn, raw)
    why = None if insist else closure_of(turn, when)
    if why is not None:
        ask_to_insist(turn, number, raw, why)
        return None
    if request.state == State.NEW:
        await actions.act(turn, number, Action.TAKE)
    elif request.state != State.IN_PROGRESS:
        raise DomainError(f"lifecycle.refused.{request.state}", number=number)
    appointment = Appointment(
        patient_id=request.patient_id,
        request_id=request.id,
        starts_at=when,
        modality=str(request.answers.get("modality") or "in_person"),
        status="proposed",
        created_at=turn.now,
    )
    await turn.uow.appointments.propose(appointment=appointment)
    patient = await turn.uow.patients.get(patient_id=request.patient_id)
    if patient is not None and patient.reachable:
        lang = patient.language
        t = turn.desk.catalog.text
        codec = turn.desk.codec
        chat = patient.telegram_id
        turn.reply.add(
            Outgoing(
                chat_id=chat,
                text=t(
                    "visit.proposed",
                    lang,
                    number=number,
                    when=day_and_time(when, tz=turn.desk.settings.tz, lang=lang),
                ),
                buttons=(
                    (
                        Button(
                            t("visit.confirm", lang),
                            codec.encode(
                                chat_id=chat, code=PatientGlobal.VISIT(appointment.id, AnswerOp.YES)
                            ),
                        ),
                    ),
                    (
                        Button(
                            t("visit.other", lang),
                            codec.encode(
                                chat_id=chat, code=PatientGlobal.VISIT(appointment.id, AnswerOp.NO)
                            ),
                        ),
                    ),
                ),
            )
        )
    return appointment


async def respond(turn: Turn, args: list[str]) -> None:
    """The patient's answer to a proposed slot (a button on the proposal message)."""
    from flows import runner
    from flows.lifecycle import move
    from flows.patient.services import own_request, patient_actor

    if len(args) != 2 or not args[0].isdigit() or args[1] not in tuple(AnswerOp):
        await runner.show_current(turn, notice=turn.t("menu.expired"))
        return
    appointment = await turn.uow.appointments.get(appointment_id=int(args[0]))
    if appointment is None or turn.patient is None or appointment.patient_id != turn.patient.id:
        raise NotFound("visit.not_found")
    if appointment.status != "proposed":
        await runner.go_home(
            turn,
            notice=turn.t("visit.already", status=turn.t(f"visit.status.{appointment.status}")),
        )
        return
    request = await own_request(turn, appointment.request_id or 0, for_update=True)
    when = day_and_time(appointment.starts_at, tz=turn.desk.settings.tz, lang=turn.lang)
    if args[1] == AnswerOp.YES:
        appointment.status = "confirmed"
        appointment.confirmed_at = turn.now
        if request.state == State.IN_PROGRESS:
            await move(
                turn.uow,
                request_id=request.id or 0,
                action=Action.READY,
                actor=patient_actor(turn.patient),
                now=turn.now,
                note=when,
            )
        notice = turn.t("visit.confirmed", when=when)
        staff_key = "staff.visit.confirmed"
    else:
        appointment.status = "declined"
        appointment.cancelled_at = turn.now
        notice = turn.t("visit.other_sent")
        staff_key = "staff.visit.other"
    await turn.uow.appointments.save(appointment=appointment)
    await notify_staff(turn, staff_key, number=request.id, when=when)
    await runner.go_home(turn, notice=notice)


async def notify_staff(turn: Turn, key: str, *, number: int | None, when: str) -> None:
    from flows.staff.notify import notify

    await notify(turn, key, number=number, when=when)
