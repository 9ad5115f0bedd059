"""Follow-up programmes in the database: run states and cycles, the segment and its preview,
enrolments and the contacts sent (each once), answers, calls, opt-outs, completions, tags, the
consent to prevention reminders, and the funnel. Reached as `uow.programmes`.

Programme messages wait in the outbox in a lane of their own (`queued` off, kind `programme`):
the dispatcher's ordinary claim never sees them, `claim_lane` hands them out only when it asks,
so they never stand in front of a dose reminder or a staff notice (`programme_lane`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, literal, or_, update
from sqlalchemy import select as core_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.repositories import programme_segments as seg
from storage.repositories.outbox import SENT, UNCERTAIN, insert_ignoring
from storage.repositories.programme_lane import LANE_KIND, ProgrammeLane
from storage.repositories.programme_records import (
    CONTACTS,
    ENROLMENTS,
    OUTBOX,
    ProgrammeRecords,
    dialect_insert,
    run,
)
from storage.tables import (
    Contact,
    Enrolment,
    OutboundMessage,
    ProgrammeCycle,
    ProgrammeState,
)
from storage.types import utcnow

# Enrolments still waiting for a message or an answer.
OPEN = ("planned", "invited", "snoozed")
P, E, C = seg.P, seg.ENROLLED, seg.CONTACT
OUT = OUTBOX.c
VISIT = seg.VISIT
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class DueStep:
    """An enrolment whose next message is due, with what the message needs about its reader."""

    enrolment_id: int
    patient_id: int
    programme_id: str
    cycle: int
    state: str
    next_step: int
    snoozes: int
    telegram_id: int
    first_name: str | None
    language: str


@dataclass(frozen=True, slots=True)
class QueuedStep:
    """A message to write: the contact (`step`), its outbox row, and where the enrolment goes."""

    due: DueStep
    step: int
    outbox_row: dict[str, Any]
    next_step: int
    next_due_at: datetime


@dataclass(frozen=True, slots=True)
class StepCounts:
    step: int
    sent: int
    delivered: int
    answered: int


class ProgrammeRepository(ProgrammeRecords, ProgrammeLane):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # -- run state and cycles -------------------------------------------------------------

    async def programme_state(self, *, programme_id: str) -> ProgrammeState | None:
        return await self._session.get(ProgrammeState, programme_id)

    async def programme_states(self) -> Sequence[ProgrammeState]:
        query = select(ProgrammeState).order_by(col(ProgrammeState.programme_id))
        return (await self._session.exec(query)).all()

    async def set_programme_status(
        self, *, programme_id: str, status: str, staff_id: int | None = None
    ) -> ProgrammeState:
        state = await self.programme_state(programme_id=programme_id)
        state = state or ProgrammeState(programme_id=programme_id)
        state.status, state.updated_by, state.updated_at = status, staff_id, utcnow()
        self._session.add(state)
        await self._session.flush()
        return state

    async def current_cycle(self, *, programme_id: str) -> ProgrammeCycle | None:
        query = (
            select(ProgrammeCycle)
            .where(ProgrammeCycle.programme_id == programme_id)
            .order_by(col(ProgrammeCycle.cycle).desc())
            .limit(1)
        )
        return (await self._session.exec(query)).first()

    async def cycles_of(self, *, programme_id: str) -> Sequence[ProgrammeCycle]:
        query = (
            select(ProgrammeCycle)
            .where(ProgrammeCycle.programme_id == programme_id)
            .order_by(col(ProgrammeCycle.cycle))
        )
        return (await self._session.exec(query)).all()

    async def open_cycle(
        self, *, programme_id: str, started_at: datetime, ends_at: datetime | None
    ) -> ProgrammeCycle:
        """The programme's next cycle, numbered after the last one."""
        last = await self.current_cycle(programme_id=programme_id)
        number = 1 if last is None else last.cycle + 1
        row = ProgrammeCycle(
            programme_id=programme_id, cycle=number, started_at=started_at, ends_at=ends_at
        )
        self._session.add(row)
        state = await self.programme_state(programme_id=programme_id)
        state = state or ProgrammeState(programme_id=programme_id)
        state.cycle, state.updated_at = number, utcnow()
        if state.started_at is None:
            state.started_at = started_at
        self._session.add(state)
        await self._session.flush()
        return row

    async def record_planning(
        self, *, cycle: ProgrammeCycle, eligible: int, excluded: dict[str, int], now: datetime
    ) -> None:
        cycle.eligible, cycle.excluded, cycle.planned_at = eligible, dict(excluded), now
        self._session.add(cycle)
        await self._session.flush()

    # -- the segment ----------------------------------------------------------------------

    async def segment_counts(self, *, query: seg.SegmentQuery) -> dict[str, int]:
        """How many in the segment by what would happen now: 'invite', or why not."""
        rows = (await run(self._session, seg.counts_statement(query))).all()
        return {str(reason): int(count) for reason, count in rows}

    async def invitable_patients(self, *, query: seg.SegmentQuery) -> list[int]:
        rows = (await run(self._session, seg.invitable_statement(query))).all()
        return [int(row[0]) for row in rows]

    async def enrol_invitable(self, *, query: seg.SegmentQuery, now: datetime) -> int:
        """Enrol everyone who would be invited now in the query's cycle, first step due now;
        one INSERT ... SELECT, and a patient enrolled already (another worker) is skipped."""
        chosen = seg.invitable_statement(query).with_only_columns(
            P.id,
            literal(query.programme_id),
            literal(query.cycle),
            literal("planned"),
            literal(0),
            literal(now, type_=E.next_due_at.type),
            literal(now, type_=E.planned_at.type),
            literal(0),
        )
        columns = ["patient_id", "programme_id", "cycle", "state", "next_step", "next_due_at",
                   "planned_at", "snoozes"]  # fmt: skip
        statement = (
            dialect_insert(self._session)(Enrolment)
            .from_select(columns, chosen)
            .on_conflict_do_nothing(index_elements=["patient_id", "programme_id", "cycle"])
        )
        result = await run(self._session, statement)
        await self._session.flush()
        return int(result.rowcount or 0)

    # -- sending --------------------------------------------------------------------------

    async def due_steps(
        self, *, programme_id: str, steps: int, now: datetime, capped_since: datetime,
        limit: int = 1000,
    ) -> list[DueStep]:  # fmt: skip
        """Enrolments whose next message is due now and may go: the reader still reachable,
        consenting and in the programme, and sent no programme message since `capped_since`."""
        due = or_(
            and_(E.state.in_(("planned", "invited")), E.next_step < steps),
            E.state == "snoozed",
        )
        query = (
            core_select(
                E.id,
                E.patient_id,
                E.programme_id,
                E.cycle,
                E.state,
                E.next_step,
                E.snoozes,
                P.telegram_id,
                P.first_name,
                P.language,
            )
            .join_from(ENROLMENTS, seg.PATIENTS, P.id == E.patient_id)
            .where(
                E.programme_id == programme_id,
                due,
                E.next_due_at <= now,
                seg.reachable_now(programme_id),
                ~seg.capped(capped_since),
            )
            .order_by(E.next_due_at, E.id)
            .limit(limit)
        )
        rows = (await run(self._session, query)).all()
        return [DueStep(*row) for row in rows]

    async def queue_steps(self, *, steps: Sequence[QueuedStep], now: datetime) -> int:
        """Write each step's contact, and only for contacts that are new its outbox row and the
        enrolment's move. The contact's unique (patient, programme, cycle, step) decides: a
        second worker (or a second run after a crash) finds it written and sends nothing."""
        written = 0
        for start in range(0, len(steps), _CHUNK):
            written += await self._queue_chunk(steps[start : start + _CHUNK], now)
        return written

    async def _queue_chunk(self, steps: Sequence[QueuedStep], now: datetime) -> int:
        if not steps:
            return 0
        contacts = [
            {"enrolment_id": s.due.enrolment_id, "patient_id": s.due.patient_id,
             "programme_id": s.due.programme_id, "cycle": s.due.cycle, "step": s.step,
             "queued_at": now}
            for s in steps
        ]  # fmt: skip
        statement = (
            dialect_insert(self._session)(Contact)
            .values(contacts)
            .on_conflict_do_nothing(index_elements=["patient_id", "programme_id", "cycle", "step"])
            .returning(C.id, C.enrolment_id, C.step)
        )
        new = {(e, s): i for i, e, s in (await run(self._session, statement)).all()}
        chosen = [s for s in steps if (s.due.enrolment_id, s.step) in new]
        if not chosen:
            return 0
        rows = [dict(s.outbox_row, queued=False, kind=LANE_KIND) for s in chosen]
        await insert_ignoring(self._session, OutboundMessage, rows, key="idempotency_key")
        keys = [r["idempotency_key"] for r in rows]
        ids = dict(
            (await run(self._session, core_select(OUT.idempotency_key, OUT.id).where(
                OUT.idempotency_key.in_(keys)))).all()
        )  # fmt: skip
        link = update(CONTACTS).where(C.id == bindparam("cid"))
        await self._session.connection()
        await run(self._session,
            link.values(outbox_id=bindparam("oid")),
            params=[{"cid": new[(s.due.enrolment_id, s.step)],
                     "oid": ids.get(s.outbox_row["idempotency_key"])} for s in chosen],
        )  # fmt: skip
        move = (
            update(ENROLMENTS)
            .where(E.id == bindparam("eid"))
            .values(
                state="invited",
                next_step=bindparam("nstep"),
                next_due_at=bindparam("ndue"),
                invited_at=func.coalesce(E.invited_at, bindparam("now", type_=E.invited_at.type)),
                snoozed_until=None,
            )
        )
        await run(self._session,
            move,
            params=[{"eid": s.due.enrolment_id, "nstep": s.next_step, "ndue": s.next_due_at,
                     "now": now} for s in chosen],
        )  # fmt: skip
        await self._session.flush()
        return len(chosen)

    async def close_unanswered(self, *, programme_id: str, steps: int, now: datetime) -> int:
        """Every step sent and the last one's wait over without an answer: non-responders."""
        statement = (
            update(ENROLMENTS)
            .where(
                E.programme_id == programme_id,
                E.state == "invited",
                E.next_step >= steps,
                E.next_due_at <= now,
            )
            .values(state="non_responder", non_responder_at=now, next_due_at=None)
        )
        return int((await run(self._session, statement)).rowcount or 0)

    async def close_unreachable(self, *, programme_id: str, now: datetime) -> int:
        """Open enrolments whose patient can no longer be written to: unreachable (blocked the
        bot, or a message refused), else opted out (left, erased, no consent any more)."""
        blocked = core_select(P.id).where(P.reachable == literal(False))
        undeliverable = (
            core_select(C.enrolment_id)
            .join_from(CONTACTS, OUTBOX, OUT.id == C.outbox_id)
            .where(C.programme_id == programme_id, OUT.status == "undeliverable")
        )
        open_ = and_(E.programme_id == programme_id, E.state.in_(OPEN))
        first = await run(
            self._session,
            update(ENROLMENTS)
            .where(open_, or_(E.patient_id.in_(blocked), E.id.in_(undeliverable)))
            .values(state="unreachable", unreachable_at=now, next_due_at=None),
        )
        gone = core_select(P.id).where(seg.not_reachable_now(programme_id))
        second = await run(
            self._session,
            update(ENROLMENTS)
            .where(open_, E.patient_id.in_(gone))
            .values(state="opted_out", opted_out_at=now, next_due_at=None),
        )
        return int(first.rowcount or 0) + int(second.rowcount or 0)

    async def refresh_outcomes(self, *, now: datetime) -> None:
        """Copy what happened elsewhere onto contacts and enrolments: deliveries from the
        outbox, appointments made and attended from the requests the programme filed."""
        sent = (
            core_select(func.coalesce(OUT.sent_at, literal(now, type_=OUT.sent_at.type)))
            .where(OUT.id == C.outbox_id, OUT.status.in_((SENT, UNCERTAIN)))
            .scalar_subquery()
        )
        await run(
            self._session,
            update(CONTACTS)
            .where(C.delivered_at.is_(None), C.outbox_id.is_not(None), sent.is_not(None))
            .values(delivered_at=sent),
        )
        first = (
            core_select(func.min(C.delivered_at)).where(C.enrolment_id == E.id).scalar_subquery()
        )
        await run(
            self._session,
            update(ENROLMENTS)
            .where(E.delivered_at.is_(None), E.invited_at.is_not(None), first.is_not(None))
            .values(delivered_at=first),
        )
        made = (
            core_select(VISIT.id)
            .where(VISIT.request_id == E.request_id, VISIT.status != "cancelled")
            .order_by(VISIT.id)
            .limit(1)
            .scalar_subquery()
        )
        await run(
            self._session,
            update(ENROLMENTS)
            .where(E.request_id.is_not(None), E.appointment_id.is_(None), made.is_not(None))
            .values(appointment_id=made),
        )
        starts = core_select(VISIT.starts_at).where(VISIT.id == E.appointment_id)
        marked = core_select(func.coalesce(VISIT.marked_at, VISIT.starts_at)).where(
            VISIT.id == E.appointment_id, VISIT.status == "attended"
        )
        await run(self._session,
            update(ENROLMENTS)
            .where(E.appointment_id.is_not(None), E.attended_at.is_(None))
            .values(appointment_at=starts.scalar_subquery(),
                    attended_at=marked.scalar_subquery())
        )  # fmt: skip
        await self._session.flush()
