"""Everything the front desk holds about one patient, gathered for a copy (art. 15 and 20).

Every table that points at the patient, directly or through a request, a therapy or an
appointment, has a section here; `COVERED_TABLES` names them and a test fails when a new table
references the patient without being covered.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import inspect as sa_inspect
from sqlmodel import SQLModel, col, or_, select
from sqlmodel.sql.expression import SelectOfScalar

from storage.tables import (
    Appointment,
    Attachment,
    Caregiver,
    Conversation,
    OutboundMessage,
    Patient,
    Rating,
    Reminder,
    Request,
    RequestEvent,
    Therapy,
)
from storage.uow import UnitOfWork

T = TypeVar("T")
FORMAT = "frontdesk-export/1"
COVERED_TABLES = frozenset(
    {
        "patients",
        "requests",
        "request_events",
        "attachments",
        "therapies",
        "reminders",
        "appointments",
        "ratings",
        "conversations",
        "outbound_messages",
        "caregivers",
    }
)
# References that only open a file with the practice's own bot token: of no use in a copy.
HIDDEN = {"attachments": {"telegram_file_id", "file_unique_id"}, "caregivers": {"token"}}


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
    caregivers: list[Caregiver] = field(default_factory=list)
    conversation: Conversation | None = None
    messages: list[OutboundMessage] = field(default_factory=list)


def reminders_of(patient_id: int) -> Any:
    """Reminders for the patient, or for their therapies, appointments or requests."""
    return or_(
        col(Reminder.patient_id) == patient_id,
        col(Reminder.therapy_id).in_(select(Therapy.id).where(Therapy.patient_id == patient_id)),
        col(Reminder.appointment_id).in_(
            select(Appointment.id).where(Appointment.patient_id == patient_id)
        ),
        col(Reminder.request_id).in_(select(Request.id).where(Request.patient_id == patient_id)),
    )


async def _rows(uow: UnitOfWork, query: SelectOfScalar[T]) -> list[T]:
    return list((await uow.session.exec(query)).all())


async def collect(uow: UnitOfWork, patient: Patient) -> Holdings:
    assert patient.id is not None
    pid, chat = patient.id, patient.telegram_id
    held = Holdings(patient=patient)
    held.requests = await _rows(
        uow, select(Request).where(Request.patient_id == pid).order_by(col(Request.id))
    )
    ids = [r.id for r in held.requests if r.id is not None]
    if ids:
        events = select(RequestEvent).where(col(RequestEvent.request_id).in_(ids))
        for event in await _rows(uow, events.order_by(col(RequestEvent.at), col(RequestEvent.id))):
            held.events.setdefault(event.request_id, []).append(event)
        files = select(Attachment).where(col(Attachment.request_id).in_(ids))
        for attachment in await _rows(uow, files.order_by(col(Attachment.id))):
            held.attachments.setdefault(attachment.request_id, []).append(attachment)
    held.therapies = await _rows(
        uow, select(Therapy).where(Therapy.patient_id == pid).order_by(col(Therapy.id))
    )
    held.reminders = await _rows(
        uow, select(Reminder).where(reminders_of(pid)).order_by(col(Reminder.due_at))
    )
    held.appointments = await _rows(
        uow,
        select(Appointment)
        .where(Appointment.patient_id == pid)
        .order_by(col(Appointment.starts_at)),
    )
    held.ratings = await _rows(
        uow, select(Rating).where(Rating.patient_id == pid).order_by(col(Rating.id))
    )
    held.caregivers = await _rows(
        uow, select(Caregiver).where(Caregiver.patient_id == pid).order_by(col(Caregiver.id))
    )
    held.conversation = await uow.session.get(Conversation, chat)
    held.messages = await _rows(
        uow,
        select(OutboundMessage)
        .where(OutboundMessage.chat_id == chat)
        .order_by(col(OutboundMessage.id)),
    )
    return held


def row(item: SQLModel) -> dict[str, Any]:
    """Every column of a row, in the table's order, as JSON values (dates in ISO 8601, UTC)."""
    hidden = HIDDEN.get(str(getattr(item, "__tablename__", "")), set())
    dumped = item.model_dump(mode="json")
    columns = sa_inspect(type(item)).column_attrs
    return {c.key: dumped[c.key] for c in columns if c.key not in hidden}


def as_dict(holdings: Holdings, *, now: datetime, practice: str) -> dict[str, Any]:
    requests = []
    for request in holdings.requests:
        number = request.id or 0
        entry = row(request)
        entry["events"] = [row(e) for e in holdings.events.get(number, [])]
        entry["attachments"] = [row(a) for a in holdings.attachments.get(number, [])]
        requests.append(entry)
    conversation = holdings.conversation
    return {
        "format": FORMAT,
        "generated_at": now.isoformat(),
        "practice": practice,
        "patient": row(holdings.patient),
        "requests": requests,
        "therapies": [row(t) for t in holdings.therapies],
        "reminders": [row(r) for r in holdings.reminders],
        "appointments": [row(a) for a in holdings.appointments],
        "ratings": [row(r) for r in holdings.ratings],
        "caregivers": [row(c) for c in holdings.caregivers],
        "conversation": row(conversation) if conversation is not None else None,
        "messages": [row(m) for m in holdings.messages],
    }


def to_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).encode()


async def export(uow: UnitOfWork, patient: Patient, *, now: datetime, practice: str) -> bytes:
    """The machine-readable copy, as the patient and `frontdesk patient export` get it."""
    return to_json(as_dict(await collect(uow, patient), now=now, practice=practice))
