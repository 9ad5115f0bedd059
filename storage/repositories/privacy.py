"""What one patient's rights reach: everything held about them (a copy), what consent withdrawal
stops, what erasure blanks or deletes, and the retention purge of ended requests' contents.
Follow-up programmes' rows count among the patient's holdings like any other.

The rules (which states stop, which requests are ended) are the front desk's: callers pass them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import inspect as sa_inspect
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from storage.tables import (
    Appointment,
    Attachment,
    Caregiver,
    Completion,
    Contact,
    Conversation,
    Enrolment,
    OutboundMessage,
    Patient,
    PatientTag,
    PreventionConsent,
    ProcessedUpdate,
    ProgrammeCall,
    ProgrammeOptOut,
    Rating,
    Reminder,
    Request,
    RequestEvent,
    SatisfactionAnswer,
    Therapy,
)

T = TypeVar("T")


@dataclass(slots=True)
class Holdings:
    """The patient's rows, table by table."""

    patient: Patient
    requests: list[Request] = field(default_factory=list)
    events: dict[int, list[RequestEvent]] = field(default_factory=dict)
    attachments: dict[int, list[Attachment]] = field(default_factory=dict)
    therapies: list[Therapy] = field(default_factory=list)
    reminders: list[Reminder] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)
    satisfaction: list[SatisfactionAnswer] = field(default_factory=list)
    caregivers: list[Caregiver] = field(default_factory=list)
    conversation: Conversation | None = None
    messages: list[OutboundMessage] = field(default_factory=list)
    # Follow-up programmes: contacts and calls by enrolment, as events are by request.
    tags: list[PatientTag] = field(default_factory=list)
    prevention_consent: PreventionConsent | None = None
    enrolments: list[Enrolment] = field(default_factory=list)
    contacts: dict[int, list[Contact]] = field(default_factory=dict)
    calls: dict[int, list[ProgrammeCall]] = field(default_factory=dict)
    opt_outs: list[ProgrammeOptOut] = field(default_factory=list)
    completions: list[Completion] = field(default_factory=list)


def column_keys(table: type[Any]) -> list[str]:
    """The attribute names of a table's columns, in the table's order."""
    return [c.key for c in sa_inspect(table).column_attrs]


def _reminders_of(patient_id: int) -> Any:
    """Reminders for the patient, or for their therapies, appointments or requests."""
    return or_(
        col(Reminder.patient_id) == patient_id,
        col(Reminder.therapy_id).in_(select(Therapy.id).where(Therapy.patient_id == patient_id)),
        col(Reminder.appointment_id).in_(
            select(Appointment.id).where(Appointment.patient_id == patient_id)
        ),
        col(Reminder.request_id).in_(select(Request.id).where(Request.patient_id == patient_id)),
    )


def _outbox_of(patient_id: int) -> Any:
    """Outbox messages born of the patient's reminders (their doses, their caregivers' alerts)."""
    mine = select(Reminder.id).where(_reminders_of(patient_id))
    return col(OutboundMessage.reminder_id).in_(mine)


class PrivacyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _rows(self, query: SelectOfScalar[T]) -> list[T]:
        return list((await self._session.exec(query)).all())

    # --- a copy (art. 15 and 20) ----------------------------------------------------------

    async def holdings_of(self, *, patient: Patient) -> Holdings:
        """Every row that points at the patient, directly or through a request, a therapy or an
        appointment, each table in its natural order."""
        assert patient.id is not None
        pid, chat = patient.id, patient.telegram_id
        held = Holdings(patient=patient)
        held.requests = await self._rows(
            select(Request).where(Request.patient_id == pid).order_by(col(Request.id))
        )
        ids = [r.id for r in held.requests if r.id is not None]
        if ids:
            events = select(RequestEvent).where(col(RequestEvent.request_id).in_(ids))
            ordered = events.order_by(col(RequestEvent.at), col(RequestEvent.id))
            for event in await self._rows(ordered):
                held.events.setdefault(event.request_id, []).append(event)
            files = select(Attachment).where(col(Attachment.request_id).in_(ids))
            for attachment in await self._rows(files.order_by(col(Attachment.id))):
                held.attachments.setdefault(attachment.request_id, []).append(attachment)
        held.therapies = await self._rows(
            select(Therapy).where(Therapy.patient_id == pid).order_by(col(Therapy.id))
        )
        held.reminders = await self._rows(
            select(Reminder).where(_reminders_of(pid)).order_by(col(Reminder.due_at))
        )
        held.appointments = await self._rows(
            select(Appointment)
            .where(Appointment.patient_id == pid)
            .order_by(col(Appointment.starts_at))
        )
        held.ratings = await self._rows(
            select(Rating).where(Rating.patient_id == pid).order_by(col(Rating.id))
        )
        held.satisfaction = await self._rows(
            select(SatisfactionAnswer)
            .where(SatisfactionAnswer.patient_id == pid)
            .order_by(col(SatisfactionAnswer.id))
        )
        held.caregivers = await self._rows(
            select(Caregiver).where(Caregiver.patient_id == pid).order_by(col(Caregiver.id))
        )
        held.conversation = await self._session.get(Conversation, chat)
        held.messages = await self._rows(
            select(OutboundMessage)
            .where(OutboundMessage.chat_id == chat)
            .order_by(col(OutboundMessage.id))
        )
        await self._programme_holdings(held, pid)
        return held

    async def _programme_holdings(self, held: Holdings, pid: int) -> None:
        held.tags = await self._rows(
            select(PatientTag).where(PatientTag.patient_id == pid).order_by(col(PatientTag.tag))
        )
        held.prevention_consent = await self._session.get(PreventionConsent, pid)
        held.enrolments = await self._rows(
            select(Enrolment)
            .where(Enrolment.patient_id == pid)
            .order_by(col(Enrolment.planned_at), col(Enrolment.id))
        )
        ids = [e.id for e in held.enrolments if e.id is not None]
        if ids:
            contacts = select(Contact).where(col(Contact.enrolment_id).in_(ids))
            ordered = contacts.order_by(col(Contact.queued_at), col(Contact.step))
            for contact in await self._rows(ordered):
                held.contacts.setdefault(contact.enrolment_id, []).append(contact)
            calls = select(ProgrammeCall).where(col(ProgrammeCall.enrolment_id).in_(ids))
            ordered_calls = calls.order_by(col(ProgrammeCall.called_at), col(ProgrammeCall.id))
            for call in await self._rows(ordered_calls):
                held.calls.setdefault(call.enrolment_id, []).append(call)
        held.opt_outs = await self._rows(
            select(ProgrammeOptOut)
            .where(ProgrammeOptOut.patient_id == pid)
            .order_by(col(ProgrammeOptOut.opted_out_at))
        )
        held.completions = await self._rows(
            select(Completion)
            .where(Completion.patient_id == pid)
            .order_by(col(Completion.done_on), col(Completion.id))
        )

    # --- consent withdrawal ---------------------------------------------------------------

    async def therapies_of(self, *, patient_id: int) -> Sequence[Therapy]:
        """Every therapy of the patient, active or not."""
        return (
            await self._session.exec(select(Therapy).where(Therapy.patient_id == patient_id))
        ).all()

    async def caregivers_of(self, *, patient_id: int) -> Sequence[Caregiver]:
        """Every caregiver link of the patient, whatever its status."""
        query = select(Caregiver).where(Caregiver.patient_id == patient_id)
        return (await self._session.exec(query)).all()

    async def revoke_caregivers(self, *, patient_id: int, now: datetime) -> None:
        """Revoke every caregiver link not revoked yet; nobody acts for the patient any more."""
        for link in await self.caregivers_of(patient_id=patient_id):
            if link.status != "revoked":
                link.status, link.revoked_at, link.acting = "revoked", now, False
                self._session.add(link)

    async def stop_reminders(
        self, *, patient_id: int, statuses: Sequence[str], sparing_kinds: Sequence[str]
    ) -> int:
        """Cancel the patient's reminders in `statuses` (but those of `sparing_kinds`) and what
        waits in the outbox for any of their reminders, and switch their therapies off so the
        planner plans no more; how many reminders were cancelled."""
        session = self._session
        pending = select(Reminder).where(
            _reminders_of(patient_id),
            col(Reminder.status).in_(statuses),
            col(Reminder.kind).not_in(sparing_kinds),
        )
        reminders = (await session.exec(pending)).all()
        for reminder in reminders:
            reminder.status = "cancelled"
            session.add(reminder)
        waiting = select(OutboundMessage).where(
            _outbox_of(patient_id), OutboundMessage.status == "pending"
        )
        for message in (await session.exec(waiting)).all():
            message.status = "cancelled"
            session.add(message)
        for therapy in await self.therapies_of(patient_id=patient_id):
            therapy.active = False
            session.add(therapy)
        await session.flush()
        return len(reminders)

    # --- erasure (art. 17) ----------------------------------------------------------------

    async def requests_of(self, *, patient_id: int) -> Sequence[Request]:
        """Every request the patient filed, in no particular order."""
        query = select(Request).where(Request.patient_id == patient_id)
        return (await self._session.exec(query)).all()

    async def blank_therapies(self, *, patient_id: int) -> None:
        """The therapies stay (reminder counts point at them), without what they were for."""
        for therapy in await self.therapies_of(patient_id=patient_id):
            therapy.medicine, therapy.dose = "", None
            self._session.add(therapy)

    async def cancel_appointments_after(
        self, *, patient_id: int, statuses: Sequence[str], now: datetime
    ) -> int:
        """Cancel the patient's appointments in `statuses` still ahead of `now`; how many."""
        upcoming = select(Appointment).where(
            Appointment.patient_id == patient_id,
            col(Appointment.status).in_(statuses),
            col(Appointment.starts_at) > now,
        )
        cancelled = 0
        for appointment in (await self._session.exec(upcoming)).all():
            appointment.status, appointment.cancelled_at = "cancelled", now
            self._session.add(appointment)
            cancelled += 1
        return cancelled

    async def disown_ratings(self, *, patient_id: int) -> None:
        """The scores count; whose they were does not."""
        query = select(Rating).where(Rating.patient_id == patient_id)
        for rating in (await self._session.exec(query)).all():
            rating.patient_id = None
            self._session.add(rating)

    async def disown_satisfaction(self, *, patient_id: int) -> None:
        """The answers count; whose they were, and what the patient wrote, do not."""
        query = select(SatisfactionAnswer).where(SatisfactionAnswer.patient_id == patient_id)
        for answer in (await self._session.exec(query)).all():
            answer.patient_id, answer.comment = None, None
            self._session.add(answer)

    async def delete_caregivers(self, *, patient_id: int) -> None:
        for link in await self.caregivers_of(patient_id=patient_id):
            await self._session.delete(link)

    async def delete_reminder_messages(self, *, patient_id: int) -> None:
        """Every outbox message born of the patient's reminders, whatever its status."""
        query = select(OutboundMessage).where(_outbox_of(patient_id))
        for message in (await self._session.exec(query)).all():
            await self._session.delete(message)

    async def delete_programme_records(self, *, patient_id: int) -> int:
        """Every follow-up programme row of the patient: tags, the consent to prevention
        reminders, enrolments with their contacts and calls, opt-outs, completions; how many.
        The cycles' recorded counts stay: they name no one."""
        session = self._session
        enrolled = select(Enrolment.id).where(Enrolment.patient_id == patient_id)
        # Contacts and calls point at enrolments: they go first, in a flush of their own.
        dependants: list[Any] = [
            *(await self._rows(select(Contact).where(col(Contact.enrolment_id).in_(enrolled)))),
            *(
                await self._rows(
                    select(ProgrammeCall).where(col(ProgrammeCall.enrolment_id).in_(enrolled))
                )
            ),
        ]
        owned: list[Any] = [
            *(await self._rows(select(Enrolment).where(Enrolment.patient_id == patient_id))),
            *(await self._rows(select(PatientTag).where(PatientTag.patient_id == patient_id))),
            *(
                await self._rows(
                    select(ProgrammeOptOut).where(ProgrammeOptOut.patient_id == patient_id)
                )
            ),
            *(await self._rows(select(Completion).where(Completion.patient_id == patient_id))),
        ]
        consent = await session.get(PreventionConsent, patient_id)
        if consent is not None:
            owned.append(consent)
        for batch in (dependants, owned):
            for item in batch:
                await session.delete(item)
            await session.flush()
        return len(dependants) + len(owned)

    async def forget_chat(self, *, chat_id: int, keep_chat_id: int | None = None) -> None:
        """Delete the conversations with or from `chat_id` (but `keep_chat_id`'s), every outbox
        message to it, and blank the journal's updates from it."""
        session = self._session
        chats = select(Conversation).where(
            or_(Conversation.chat_id == chat_id, Conversation.user_id == chat_id)
        )
        for conversation in (await session.exec(chats)).all():
            if keep_chat_id is not None and conversation.chat_id == keep_chat_id:
                continue
            await session.delete(conversation)
        outbox = select(OutboundMessage).where(OutboundMessage.chat_id == chat_id)
        for message in (await session.exec(outbox)).all():
            await session.delete(message)
        journal = select(ProcessedUpdate).where(ProcessedUpdate.chat_id == chat_id)
        for update in (await session.exec(journal)).all():
            update.chat_id, update.payload = None, {}
            session.add(update)

    # --- retention ------------------------------------------------------------------------

    async def scrub_contents(self, *, requests: Sequence[Request], now: datetime) -> None:
        """Empty the requests' answers, their events' notes and the satisfaction comments about
        them, and delete their attachments."""
        ids = [r.id for r in requests if r.id is not None]
        if not ids:
            return
        session = self._session
        for request in requests:
            request.answers = {}
            request.purged_at = now
            session.add(request)
        notes = select(RequestEvent).where(
            col(RequestEvent.request_id).in_(ids), col(RequestEvent.note).is_not(None)
        )
        for event in (await session.exec(notes)).all():
            event.note = None
            session.add(event)
        files = select(Attachment).where(col(Attachment.request_id).in_(ids))
        for attachment in (await session.exec(files)).all():
            await session.delete(attachment)
        comments = select(SatisfactionAnswer).where(
            col(SatisfactionAnswer.request_id).in_(ids),
            col(SatisfactionAnswer.comment).is_not(None),
        )
        for answer in (await session.exec(comments)).all():
            answer.comment = None
            session.add(answer)
        await session.flush()

    async def ended_requests_to_purge(
        self, *, states: Sequence[str], closed_before: datetime, limit: int
    ) -> Sequence[Request]:
        """Requests in `states` closed before `closed_before` whose contents were not scrubbed
        since they closed, lowest number first."""
        query = (
            select(Request)
            .where(
                col(Request.state).in_(states),
                col(Request.closed_at) < closed_before,
                # Scrubbed while still open (an erasure), then closed later: notes may be new.
                or_(
                    col(Request.purged_at).is_(None),
                    col(Request.purged_at) < col(Request.closed_at),
                ),
            )
            .order_by(col(Request.id))
            .limit(limit)
        )
        return (await self._session.exec(query)).all()
