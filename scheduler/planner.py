"""Reminder planning, run by the scheduler's tick: therapies' doses a day ahead, appointments'
reminders and the staff prompt after the slot, the satisfaction question after a request closes
or a visit is marked attended.

Doses are planned for today and tomorrow in the practice's timezone and `planned_until` moves
on, so a restart plans nothing twice and a bot that was down plans the days it missed: those
doses fall due at once and are sent late within the grace window, or recorded missed.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from flows.engine import FrontDesk
from flows.reminders.plans import appointment_reminders, reminder_row, therapy_doses

HORIZON = timedelta(days=1)  # plan today and tomorrow
BATCH = 500
BUDGET_SECONDS = 2.0  # one tick plans for this long at most; the rest waits for the next one
# The satisfaction question is asked within 48 hours of its touchpoint or not at all.
SATISFACTION_LOOKBACK = timedelta(hours=48)


async def plan_therapies(desk: FrontDesk, now: datetime) -> int:
    until = now.astimezone(desk.settings.tz).date() + HORIZON
    started = time.monotonic()
    planned = 0
    while time.monotonic() - started < BUDGET_SECONDS:
        async with desk.database.uow() as uow:
            repo = uow.reminders
            therapies = await repo.therapies_to_plan(until=until, limit=BATCH)
            if not therapies:
                break
            rows = []
            for therapy in therapies:
                rows.extend(therapy_doses(therapy, now=now, until=until, settings=desk.settings))
                therapy.planned_until = until
            await uow.therapies.save_all(therapies=therapies)
            for start in range(0, len(rows), BATCH):
                planned += await repo.plan(rows=rows[start : start + BATCH])
            await uow.commit()
    return planned


async def plan_appointments(desk: FrontDesk, now: datetime) -> int:
    async with desk.database.uow() as uow:
        repo = uow.reminders
        rows = []
        # A day back: the prompt after the slot is still worth planning if the bot was down.
        for visit in await repo.unplanned_appointments(after=now - timedelta(days=1)):
            rows.extend(appointment_reminders(visit, now=now, settings=desk.settings))
        planned = await repo.plan(rows=rows)
        await uow.commit()
    return planned


async def plan_satisfaction(desk: FrontDesk, now: datetime) -> int:
    """One question per closed request and per attended visit of the last 48 hours; whether the
    patient is asked at all (the 30-day cap) is decided when it falls due."""
    if not desk.settings.ratings:
        return 0
    delay = timedelta(minutes=desk.settings.rating_delay_minutes)
    since = now - SATISFACTION_LOOKBACK
    async with desk.database.uow() as uow:
        repo = uow.satisfaction
        rows = [
            reminder_row(
                "satisfaction",
                f"satisfaction:request:{request.id}",
                (request.closed_at or now) + delay,
                now,
                patient_id=request.patient_id,
                request_id=request.id,
            )
            for request in await repo.closed_requests_to_ask(since=since)
        ]
        rows += [
            reminder_row(
                "satisfaction",
                f"satisfaction:visit:{visit.id}",
                (visit.marked_at or now) + delay,
                now,
                patient_id=visit.patient_id,
                appointment_id=visit.id,
                request_id=visit.request_id,
            )
            for visit in await repo.attended_visits_to_ask(since=since)
        ]
        planned = await uow.reminders.plan(rows=rows)
        await uow.commit()
    return planned


async def plan(desk: FrontDesk, now: datetime) -> int:
    """Everything that should be planned by now; how many reminders are new."""
    therapies = await plan_therapies(desk, now)
    appointments = await plan_appointments(desk, now)
    return therapies + appointments + await plan_satisfaction(desk, now)
