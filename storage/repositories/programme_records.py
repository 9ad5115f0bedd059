"""The programme records staff and patients act on: enrolments and their answers, calls to
non-responders, opt-outs, completions, condition tags, the consent to prevention reminders, and
the funnel. Part of `ProgrammeRepository` (`uow.programmes`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, case, delete, func, literal, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import (
    Completion,
    Contact,
    Enrolment,
    OutboundMessage,
    PatientTag,
    PreventionConsent,
    ProgrammeCall,
    ProgrammeOptOut,
)

ENROLMENTS: Table = Enrolment.__table__  # type: ignore[attr-defined]
CONTACTS: Table = Contact.__table__  # type: ignore[attr-defined]
TAG_TABLE: Table = PatientTag.__table__  # type: ignore[attr-defined]
OUTBOX: Table = OutboundMessage.__table__  # type: ignore[attr-defined]
E = ENROLMENTS.c
C = CONTACTS.c
CALL = ProgrammeCall.__table__.c  # type: ignore[attr-defined]
TAGS = TAG_TABLE.c
# Staff outcomes after which a non-responder is no longer to be called.
SETTLED_CALLS = ("booked", "refuses", "wrong_number")


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


class ProgrammeRecords:
    _session: AsyncSession

    # -- enrolments and answers -----------------------------------------------------------

    async def enrolment(self, *, enrolment_id: int) -> Enrolment | None:
        return await self._session.get(Enrolment, enrolment_id)

    async def enrolment_of(
        self, *, patient_id: int, programme_id: str, cycle: int
    ) -> Enrolment | None:
        query = select(Enrolment).where(
            Enrolment.patient_id == patient_id,
            Enrolment.programme_id == programme_id,
            Enrolment.cycle == cycle,
        )
        return (await self._session.exec(query)).first()

    async def save_enrolment(self, *, enrolment: Enrolment) -> None:
        self._session.add(enrolment)
        await self._session.flush()

    async def link_request(self, *, enrolment_id: int, request_id: int, now: datetime) -> None:
        """The visit request the patient filed from the invitation: booked, for the funnel."""
        row = await self.enrolment(enrolment_id=enrolment_id)
        if row is None:
            return
        row.request_id = request_id
        row.booked_at = row.booked_at or now
        row.state = "booked"
        await self.save_enrolment(enrolment=row)

    async def last_contact_step(self, *, enrolment_id: int) -> int | None:
        """The step of the last message queued for an enrolment."""
        query = (
            core_select(C.step)
            .where(C.enrolment_id == enrolment_id)
            .order_by(C.queued_at.desc(), C.id.desc())
            .limit(1)
        )
        row = (await run(self._session, query)).first()
        return None if row is None else int(row[0])

    async def cancel_waiting_for(self, *, enrolment_id: int) -> int:
        """An enrolment's messages still waiting in the outbox: an answer stops the sequence."""
        mine = core_select(C.outbox_id).where(
            C.enrolment_id == enrolment_id, C.outbox_id.is_not(None)
        )
        statement = (
            update(OUTBOX)
            .where(OUTBOX.c.id.in_(mine), OUTBOX.c.status == "pending")
            .values(status="cancelled", payload={})
        )
        return int((await run(self._session, statement)).rowcount or 0)

    async def add_completion(
        self, *, patient_id: int, programme_id: str, done_on: date, source: str, now: datetime,
        enrolment_id: int | None = None,
    ) -> Completion:  # fmt: skip
        row = Completion(
            patient_id=patient_id, programme_id=programme_id, done_on=done_on, source=source,
            recorded_at=now, enrolment_id=enrolment_id,
        )  # fmt: skip
        self._session.add(row)
        await self._session.flush()
        return row

    async def last_completion(self, *, patient_id: int, programme_id: str) -> date | None:
        query = core_select(func.max(Completion.done_on)).where(
            col(Completion.patient_id) == patient_id, col(Completion.programme_id) == programme_id
        )
        value = (await run(self._session, query)).one()[0]
        return value if isinstance(value, date) else None

    async def opt_out(
        self, *, patient_id: int, programme_id: str, now: datetime, enrolment_id: int | None
    ) -> bool:
        """The patient leaves the programme; False when they had left already."""
        if await self._session.get(ProgrammeOptOut, (patient_id, programme_id)) is not None:
            return False
        self._session.add(
            ProgrammeOptOut(patient_id=patient_id, programme_id=programme_id, opted_out_at=now,
                            enrolment_id=enrolment_id)
        )  # fmt: skip
        await self._session.flush()
        return True

    async def programmes_left_by(self, *, patient_id: int) -> list[str]:
        query = select(ProgrammeOptOut.programme_id).where(ProgrammeOptOut.patient_id == patient_id)
        return sorted((await run(self._session, query)).all())

    async def add_call(
        self, *, enrolment_id: int, outcome: str, staff_id: int | None, now: datetime
    ) -> ProgrammeCall:
        row = ProgrammeCall(
            enrolment_id=enrolment_id, outcome=outcome, staff_id=staff_id, called_at=now
        )
        self._session.add(row)
        await self._session.flush()
        return row

    async def calls_of(self, *, enrolment_id: int) -> Sequence[ProgrammeCall]:
        query = (
            select(ProgrammeCall)
            .where(ProgrammeCall.enrolment_id == enrolment_id)
            .order_by(col(ProgrammeCall.called_at), col(ProgrammeCall.id))
        )
        return (await self._session.exec(query)).all()

    async def to_call(
        self, *, programme_id: str | None = None, limit: int = 200
    ) -> Sequence[Enrolment]:
        """Da chiamare: non-responders no call has settled yet (unanswered calls stay)."""
        settled = core_select(CALL.enrolment_id).where(CALL.outcome.in_(SETTLED_CALLS))
        query = (
            select(Enrolment)
            .where(Enrolment.state == "non_responder", col(Enrolment.id).not_in(settled))
            .order_by(col(Enrolment.non_responder_at), col(Enrolment.id))
            .limit(limit)
        )
        if programme_id is not None:
            query = query.where(Enrolment.programme_id == programme_id)
        return (await self._session.exec(query)).all()

    # -- condition tags -------------------------------------------------------------------

    async def tags_of(self, *, patient_id: int) -> list[str]:
        query = select(PatientTag.tag).where(PatientTag.patient_id == patient_id)
        return sorted((await run(self._session, query)).all())

    async def add_tags(self, *, pairs: Sequence[tuple[int, str]], now: datetime) -> int:
        """Tag patients, (patient id, tag) each; tags already set are skipped; how many new."""
        rows = [{"patient_id": p, "tag": t, "created_at": now} for p, t in dict.fromkeys(pairs)]
        total = 0
        for start in range(0, len(rows), 1000):
            total += await _insert_tags(self._session, rows[start : start + 1000])
        return total

    async def remove_tags(self, *, patient_id: int, tags: Sequence[str]) -> int:
        statement = delete(TAG_TABLE).where(TAGS.patient_id == patient_id, TAGS.tag.in_(list(tags)))
        return int((await run(self._session, statement)).rowcount or 0)

    async def set_tags(self, *, patient_id: int, tags: Sequence[str], now: datetime) -> None:
        """The patient's tags become exactly `tags`."""
        current = set(await self.tags_of(patient_id=patient_id))
        wanted = set(tags)
        if gone := current - wanted:
            await self.remove_tags(patient_id=patient_id, tags=sorted(gone))
        await self.add_tags(pairs=[(patient_id, t) for t in sorted(wanted - current)], now=now)

    async def tag_counts(self) -> dict[str, int]:
        query = core_select(TAGS.tag, func.count()).group_by(TAGS.tag)
        return {str(t): int(n) for t, n in (await run(self._session, query)).all()}

    # -- consent to prevention reminders --------------------------------------------------

    async def prevention_consent(self, *, patient_id: int) -> PreventionConsent | None:
        return await self._session.get(PreventionConsent, patient_id)

    async def has_prevention_consent(self, *, patient_id: int) -> bool:
        row = await self.prevention_consent(patient_id=patient_id)
        return row is not None and row.consent_at is not None and row.consent_withdrawn_at is None

    async def _consent_row(self, patient_id: int) -> PreventionConsent:
        row = await self.prevention_consent(patient_id=patient_id)
        return row or PreventionConsent(patient_id=patient_id)

    async def give_prevention_consent(
        self, *, patient_id: int, version: str, now: datetime
    ) -> None:
        row = await self._consent_row(patient_id)
        row.consent_version, row.consent_at = version, now
        row.consent_declined_at = row.consent_withdrawn_at = None
        self._session.add(row)
        await self._session.flush()

    async def decline_prevention_consent(self, *, patient_id: int, now: datetime) -> None:
        """Asked once: a refusal is remembered so the question is not asked again."""
        row = await self._consent_row(patient_id)
        row.consent_declined_at = now
        self._session.add(row)
        await self._session.flush()

    async def withdraw_prevention_consent(self, *, patient_id: int, now: datetime) -> None:
        row = await self._consent_row(patient_id)
        row.consent_withdrawn_at = now
        self._session.add(row)
        await self._session.flush()

    # -- the funnel -----------------------------------------------------------------------

    async def funnel_counts(self, *, programme_id: str, cycle: int) -> dict[str, int]:
        """Enrolments of one cycle at each stage (a patient counts in every stage reached, so each
        stage holds the next: a non-responder whom staff book on the phone has answered too)."""
        booked = (
            (E.booked_at.is_not(None))
            | (E.request_id.is_not(None))
            | (E.appointment_id.is_not(None))
        )
        columns = {
            "enrolled": literal(True),
            "invited": E.invited_at.is_not(None),
            "delivered": E.delivered_at.is_not(None),
            "answered": E.answered_at.is_not(None) | booked,
            "booked": booked,
            "attended": E.attended_at.is_not(None),
            "already_done": E.state == "already_done",
            "declined": E.state.in_(("declined", "opted_out")) & (E.answer == "decline"),
            "snoozed": E.state == "snoozed",
            "non_responders": E.state == "non_responder",
            "unreachable": E.state == "unreachable",
        }
        query = core_select(*(_count(c).label(k) for k, c in columns.items())).where(
            E.programme_id == programme_id, E.cycle == cycle
        )
        row = (await run(self._session, query)).one()
        return {key: int(value) for key, value in zip(columns, row, strict=True)}

    async def step_counts(self, *, programme_id: str, cycle: int) -> list[tuple[int, int, int]]:
        """(step, messages sent, delivered) for each step of one cycle's sequence."""
        query = (
            core_select(C.step, func.count(), _count(C.delivered_at.is_not(None)))
            .where(C.programme_id == programme_id, C.cycle == cycle)
            .group_by(C.step)
            .order_by(C.step)
        )
        return [(int(s), int(n), int(d)) for s, n, d in (await run(self._session, query)).all()]

    async def answers_by_step(self, *, programme_id: str, cycle: int) -> dict[int, int]:
        """How many answered while each step was the last message they had been sent."""
        query = (
            core_select(E.answered_step, func.count())
            .where(E.programme_id == programme_id, E.cycle == cycle,
                   E.answered_step.is_not(None))
            .group_by(E.answered_step)
        )  # fmt: skip
        return {int(s): int(n) for s, n in (await run(self._session, query)).all()}

    async def invitation_to_appointment(
        self, *, programme_id: str, cycle: int
    ) -> list[tuple[datetime, datetime]]:
        """(invited at, appointment at) for every enrolment that led to an appointment."""
        query = core_select(E.invited_at, E.appointment_at).where(
            E.programme_id == programme_id, E.cycle == cycle,
            E.invited_at.is_not(None), E.appointment_at.is_not(None),
        )  # fmt: skip
        rows = (await run(self._session, query)).all()
        return [(a, b) for a, b in rows]


async def run(session: AsyncSession, statement: Any, params: Any = None) -> Any:
    """A Core statement (columns selected, a table updated) on the session's transaction."""
    if params is None:
        return await session.exec(statement)
    return await session.exec(statement, params=params)


def dialect_insert(session: AsyncSession) -> Any:
    """The INSERT with ON CONFLICT of the session's database."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


async def _insert_tags(session: AsyncSession, rows: list[dict[str, Any]]) -> int:
    """Insert tags, skipping those set already (a (patient, tag) pair is the primary key)."""
    statement = (
        dialect_insert(session)(PatientTag)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["patient_id", "tag"])
    )
    result = await run(session, statement)
    await session.flush()
    return int(result.rowcount or 0)
