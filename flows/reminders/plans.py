"""Which reminder rows a therapy, an appointment or a visit gives, as plain values.

Each row carries an idempotency key built from what it is about and its local day and time, so
planning the same thing twice (after a restart, or on two workers) yields one reminder.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flows.reminders.times import doses, local_moment, parse_clock
from flows.settings import Settings
from storage.tables import Appointment, Therapy

MOST_DAYS_BACK = 7  # after a long outage, older doses are not worth a row each
CHECKBACK_AT = "10:00"


def reminder_row(
    kind: str, key: str, due: datetime, now: datetime, **fields: Any
) -> dict[str, Any]:
    return {
        "kind": kind,
        "idempotency_key": key,
        "due_at": due,
        "status": "scheduled",
        "created_at": now,
        "snoozes": 0,
        "payload": fields.pop("payload", {}),
        **fields,
    }


def therapy_doses(
    therapy: Therapy, *, now: datetime, until: date, settings: Settings
) -> list[dict[str, Any]]:
    """Dose reminders from the day after `planned_until` up to `until`, both local days. A
    therapy just set up or resumed starts today, without the doses before it was set up or
    further back than the grace window (a pause is not a string of missed doses)."""
    tz = settings.tz
    today = now.astimezone(tz).date()
    fresh = therapy.planned_until is None
    grace = timedelta(minutes=settings.reminder_grace_minutes)
    cutoff = max(therapy.created_at, now - grace)
    first = today if therapy.planned_until is None else therapy.planned_until + timedelta(days=1)
    first = max(first, today - timedelta(days=MOST_DAYS_BACK))
    rows = []
    for day, clock, due in doses(
        times=therapy.times,
        start=therapy.start_date,
        end=therapy.end_date,
        weekdays=therapy.weekdays,
        first=first,
        last=until,
        tz=tz,
    ):
        if fresh and due < cutoff:
            continue
        rows.append(
            reminder_row(
                "therapy_dose",
                f"dose:{therapy.id}:{day.isoformat()}:{clock}",
                due,
                now,
                patient_id=therapy.patient_id,
                therapy_id=therapy.id,
                payload={"time": clock, "day": day.isoformat()},
            )
        )
    return rows


def appointment_reminders(
    visit: Appointment, *, now: datetime, settings: Settings
) -> list[dict[str, Any]]:
    """A reminder at each offset before the slot (those still ahead of the confirmation), and
    the prompt asking staff, after the slot, whether the patient came."""
    since = visit.confirmed_at or visit.created_at
    common = {"patient_id": visit.patient_id, "appointment_id": visit.id}
    rows = []
    for offset in settings.appointment_offsets:
        due = visit.starts_at - offset
        if due <= since:
            continue  # confirmed after this point: the patient knows already
        minutes = int(offset.total_seconds() // 60)
        payload = {"offset": minutes, "starts_at": visit.starts_at.isoformat()}
        key = f"appointment:{visit.id}:{minutes}"
        rows.append(reminder_row("appointment", key, due, now, payload=payload, **common))
    prompt = visit.starts_at + timedelta(minutes=settings.attendance_prompt_minutes)
    rows.append(reminder_row("attendance", f"attendance:{visit.id}", prompt, now, **common))
    return rows


def checkbacks(visit: Appointment, *, now: datetime, settings: Settings) -> list[dict[str, Any]]:
    """After an attended visit: a check-back at 10:00 on each configured day after it."""
    tz = settings.tz
    day = visit.starts_at.astimezone(tz).date()
    return [
        reminder_row(
            "checkback",
            f"checkback:{visit.id}:{days}",
            local_moment(day + timedelta(days=days), parse_clock(CHECKBACK_AT), tz),
            now,
            patient_id=visit.patient_id,
            appointment_id=visit.id,
            request_id=visit.request_id,
            payload={"days": days},
        )
        for days in settings.checkback_days
    ]
