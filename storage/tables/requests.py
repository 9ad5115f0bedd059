"""Requests, their audit trail and their attachments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, text
from sqlmodel import Field, SQLModel

from storage.types import JSONType, UTCDateTime, utcnow

# The inbox only ever looks at open requests, a small slice of a practice's history.
OPEN_STATES = ("new", "in_progress", "waiting_patient", "snoozed", "ready")
OPEN_SQL = "state IN ('new', 'in_progress', 'waiting_patient', 'snoozed', 'ready')"
_OPEN = text(OPEN_SQL)


# The columns the KPIs count; their scans read this index, not the rows.
KPI_COLUMNS = ("created_at", "state", "patient_id", "due_at", "first_response_at", "closed_at")


class Request(SQLModel, table=True):
    """A patient's request; `id` is the public number shown as #123."""

    __tablename__ = "requests"
    __table_args__ = (
        Index("ix_requests_state_due", "state", "due_at"),
        Index("ix_requests_patient_created", "patient_id", "created_at"),
        Index("ix_requests_assignee_state", "assignee_id", "state"),
        Index("ix_requests_kind_state_due", "kind", "state", "due_at"),
        Index("ix_requests_open_due", "due_at", "id", postgresql_where=_OPEN, sqlite_where=_OPEN),
        # The KPIs' scans by filing time read only this (migration 0008).
        Index("ix_requests_kpi_created", *KPI_COLUMNS),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    state: str = Field(default="new", max_length=32)
    patient_id: int = Field(foreign_key="patients.id")
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    assignee_id: int | None = Field(default=None, foreign_key="staff.id")
    staff_urgent: bool = False
    unverified: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    first_response_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    due_at: datetime = Field(sa_type=UTCDateTime)
    snoozed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    waiting_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The patient's live status card: the message edited in place as the request moves.
    status_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    status_message_id: int | None = Field(default=None, sa_type=BigInteger)
    # Bumped on every change so concurrent staff actions are detected.
    version: int = 1
    # Set when the retention purge (or an erasure) removed the contents; the KPIs' columns stay.
    purged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RequestEvent(SQLModel, table=True):
    """One line of the audit trail: who moved which request from where to where, and why."""

    __tablename__ = "request_events"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="requests.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # patient | staff | system
    actor_kind: str = Field(max_length=16)
    actor_id: int | None = None
    action: str = Field(max_length=32)
    from_state: str | None = Field(default=None, max_length=32)
    to_state: str | None = Field(default=None, max_length=32)
    note: str | None = Field(default=None, max_length=4000)


class Attachment(SQLModel, table=True):
    __tablename__ = "attachments"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="requests.id", index=True)
    telegram_file_id: str = Field(max_length=256)
    file_unique_id: str | None = Field(default=None, max_length=128)
    # photo | document
    kind: str = Field(max_length=16)
    mime_type: str | None = Field(default=None, max_length=128)
    file_name: str | None = Field(default=None, max_length=256)
    size: int | None = None
    # patient | staff
    added_by: str = Field(default="patient", max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
