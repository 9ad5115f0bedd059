"""Time travel: the sandbox moves the bot's clock forward so a reminder due in hours arrives now.

The clock is the `ShiftedClock` the whole front desk reads; nothing else changes. A jump stops
at every moment something falls due on the way (a dose, the end of its answer window, a queued
message) and lets the scheduler send it before going on, as if the hours had really passed:
a reminder is delivered, not skipped as "missed while the bot was down".
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flows.clock import ShiftedClock
from scheduler.service import ReminderScheduler

# The planner looks a day ahead: stopping at least this often lets it plan what comes next.
LONGEST_STEP = timedelta(hours=6)
MOST_STOPS = 200  # a day of doses, windows and snoozes fits easily; a loop cannot run away


async def fast_forward(clock: ShiftedClock, scheduler: ReminderScheduler, by: timedelta) -> int:
    """Move `clock` forward by `by` (the offset grows by exactly that); returns how many stops
    were made on the way."""
    end = clock.offset + by
    stops = 0
    await scheduler.catch_up()  # plans what was set up a moment ago, before looking ahead
    while stops < MOST_STOPS and clock.offset < end:
        step = min(end - clock.offset, LONGEST_STEP)
        due = await scheduler.next_due()
        if due is not None and timedelta(0) < due - clock.now() < step:
            step = due - clock.now()
        clock.advance(step)
        await scheduler.catch_up()
        stops += 1
    return stops


async def next_reminder(scheduler: ReminderScheduler) -> datetime | None:
    """When the next planned reminder falls due (after a pass, so a therapy saved a moment ago
    is planned)."""
    await scheduler.catch_up()
    async with scheduler.desk.database.uow() as uow:
        return await uow.reminders.next_due()


async def to_next_reminder(clock: ShiftedClock, scheduler: ReminderScheduler) -> datetime | None:
    """Jump to the next planned reminder and deliver it; None when nothing is planned."""
    due = await next_reminder(scheduler)
    if due is None:
        return None
    ahead = max(due - clock.now(), timedelta(0))
    await fast_forward(clock, scheduler, ahead + timedelta(seconds=1))
    return due
