"""The programme tick: plan running programmes, close what is over, and queue each due step's
message in the outbox's programme lane, once per (patient, programme, cycle, step).

Never in quiet hours; never more than one programme message per patient in `cap_days` (across
programmes: a second one waits its turn); a sequence stops at the first answer (answered
enrolments are no longer due) and, past the last step's wait, the patient is a non-responder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flows.programmes.messages import Compose
from flows.programmes.model import Programme
from flows.programmes.running import plan_if_due
from flows.programmes.segment import DEFAULT_CAP_DAYS
from flows.reminders import outbox
from flows.reminders.times import in_quiet_hours
from flows.settings import Settings
from storage.repositories.programme_lane import LANE_KIND
from storage.repositories.programmes import DueStep, QueuedStep
from storage.uow import UnitOfWork

# A snoozed patient's reminder is contact step SNOOZED + n (their n-th snooze), with the first
# step's words and buttons, so each reminder too is sent once.
SNOOZED = 100


@dataclass(slots=True)
class Ticked:
    queued: int = 0
    enrolled: int = 0
    non_responders: int = 0
    closed: int = 0
    per_programme: dict[str, int] = field(default_factory=dict)


def outbox_key(due: DueStep, step: int) -> str:
    return f"{LANE_KIND}:{due.patient_id}:{due.programme_id}:{due.cycle}:{step}"


def next_move(programme: Programme, due: DueStep, now: datetime) -> tuple[int, int, datetime]:
    """(contact step, the enrolment's next step, when that falls due) for a due enrolment."""
    steps = programme.steps
    wait = timedelta(days=programme.final_wait_days)
    if due.state == "snoozed":
        return SNOOZED + due.snoozes, max(due.next_step, len(steps)), now + wait
    k = due.next_step
    if k + 1 < len(steps):
        return k, k + 1, now + timedelta(days=steps[k + 1].day - steps[k].day)
    return k, len(steps), now + wait


async def queue_due(
    uow: UnitOfWork, programme: Programme, *, now: datetime, settings: Settings,
    compose: Compose, cap_days: int = DEFAULT_CAP_DAYS, limit: int = 2000,
    skip_patients: set[int] | None = None,
) -> int:  # fmt: skip
    """Queue the due steps of one programme; how many messages were queued."""
    skip = skip_patients if skip_patients is not None else set()
    due = await uow.programmes.due_steps(
        programme_id=programme.id, steps=len(programme.steps), now=now,
        capped_since=now - timedelta(days=cap_days), limit=limit,
    )  # fmt: skip
    planned: list[QueuedStep] = []
    for item in due:
        if item.patient_id in skip:
            continue  # one programme message per patient per tick, whatever the programme
        skip.add(item.patient_id)
        contact, following, at = next_move(programme, item, now)
        shown = programme.steps[0 if contact >= SNOOZED else contact]
        message = compose(item, shown)
        row = outbox.row(key=outbox_key(item, contact), message=message, kind=LANE_KIND,
                         now=now, settings=settings)  # fmt: skip
        planned.append(QueuedStep(item, contact, row, following, at))
    return await uow.programmes.queue_steps(steps=planned, now=now)


async def tick(
    uow: UnitOfWork, programmes: Sequence[Programme], *, now: datetime, settings: Settings,
    compose: Compose, cap_days: int = DEFAULT_CAP_DAYS, limit: int = 2000,
) -> Ticked:  # fmt: skip
    """One pass over every programme, in the caller's unit of work (committed by the caller)."""
    result = Ticked()
    await uow.programmes.refresh_outcomes(now=now)
    quiet = in_quiet_hours(now, settings)
    seen: set[int] = set()
    for programme in programmes:
        state = await uow.programmes.programme_state(programme_id=programme.id)
        if state is None or state.status != "running":
            continue
        planned = await plan_if_due(uow, programme, now=now, tz=settings.tz, cap_days=cap_days)
        result.enrolled += planned.enrolled if planned else 0
        result.closed += await uow.programmes.close_unreachable(programme_id=programme.id, now=now)
        result.non_responders += await uow.programmes.close_unanswered(
            programme_id=programme.id, steps=len(programme.steps), now=now
        )
        if quiet:
            continue
        count = await queue_due(uow, programme, now=now, settings=settings, compose=compose,
                                cap_days=cap_days, limit=limit, skip_patients=seen)  # fmt: skip
        result.per_programme[programme.id] = count
        result.queued += count
    return result
