"""Therapies, appointments, scheduled reminders, the outbox of messages, ratings and caregivers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Index
from sqlmodel import Field, SQLModel

from storage.types import JSONType, UTCDateTime, utcnow


class Therapy(SQLModel, table=True):
    __tablename__ = "therapies"

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patients.id", index=True)
    medicine: str = Field(max_length=120)
    dose: str | None = Field(default=None, max_length=120)
    # Local wall-clock times, "HH:MM", planned in the practice's timezone.
    times: list[str] = Field(default_factory=list, sa_type=JSONType)
    # ISO weekdays 1..7; empty means every day.
    weekdays: list[int] = Field(default_factory=list, sa_type=JSONType)
    start_date: date
    end_date: date | None = None
    pills_per_box: int | None = None
    pills_left: int | None = None
    active: bool = True
    paused: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # patient | staff
    added_by: str = Field(default="patient", max_length=16)
    # Doses are planned a little ahead; this is the last local day already planned.
    planned_until: date | None = None
    # The repeat prescription asked for from a reminder, until the new box is in.
    refill_request_id: int | None = None


class Appointment(SQLModel, table=True):
    __tablename__ = "appointments"

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patients.id", index=True)
    request_id: int | None = Field(default=None, foreign_key="requests.id", index=True)
    starts_at: datetime = Field(sa_type=UTCDateTime, index=True)
    # in_person | phone
    modality: str = Field(default="in_person", max_length=16)
    # proposed | confirmed | cancelled | attended | no_show
    status: str = Field(default="proposed", max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # When staff marked it attended or no-show, and who.
    marked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    marked_by: int | None = None


# The columns the KPIs count; their scans read this index, not the rows.
KPI_COLUMNS = ("due_at", "kind", "status", "answer", "sent_at", "patient_id", "appointment_id")


class Reminder(SQLModel, table=True):
    """A planned reminder: the database is the truth, the scheduler only wakes the dispatcher."""

    __tablename__ = "reminders"
    __table_args__ = (
        Index("ix_reminders_status_due", "status", "due_at"),
        Index("ix_reminders_status_window", "status", "window_ends_at"),
        # The KPIs' scans by due time read only this (migration 0008).
        Index("ix_reminders_kpi_due", *KPI_COLUMNS),
    )

    id: int | None = Field(default=None, primary_key=True)
    # therapy_dose | appointment | attendance | rating | checkback | request_wake | request_expiry
    kind: str = Field(max_length=32)
    idempotency_key: str = Field(max_length=128, unique=True)
    patient_id: int | None = Field(default=None, foreign_key="patients.id", index=True)
    therapy_id: int | None = Field(default=None, foreign_key="therapies.id")
    appointment_id: int | None = Field(default=None, foreign_key="appointments.id")
    request_id: int | None = Field(default=None, foreign_key="requests.id")
    due_at: datetime = Field(sa_type=UTCDateTime)
    # scheduled | queued (in the outbox) | sent | answered | missed | cancelled
    status: str = Field(default="scheduled", max_length=16)
    answer: str | None = Field(default=None, max_length=16)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    snoozes: int = 0
    # An answer is awaited until then; a dose left unanswered is missed.
    window_ends_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    telegram_message_id: int | None = Field(default=None, sa_type=BigInteger)
    # Kind-specific details: an appointment reminder's offset, a check-back's day.
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)


class OutboundMessage(SQLModel, table=True):
    """The outbox: every message the practice pushes, sent at most once per idempotency key."""

    __tablename__ = "outbound_messages"
    __table_args__ = (Index("ix_outbound_status_not_before", "status", "not_before"),)

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=128, unique=True)
    chat_id: int = Field(sa_type=BigInteger)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    # pending | claimed | sending | sent | failed | undeliverable | expired | cancelled | uncertain
    status: str = Field(default="pending", max_length=16)
    not_before: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=200)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    telegram_message_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Sent by the outbound queue's dispatcher: every row written now is. Rows of older versions
    # left false were the staff digest's buffer, which has a table of its own since.
    queued: bool = False
    # What it is (therapy_dose, caregiver_alert, ...), kept after the payload is cleared.
    kind: str | None = Field(default=None, max_length=32)
    reminder_id: int | None = Field(default=None, index=True)
    # Only the therapy reminders a patient chose may go out in quiet hours, and staff notices
    # while the practice is open.
    night_ok: bool = False
    # Not worth sending after this (a dose past the grace window, an appointment begun).
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claimed_by: str | None = Field(default=None, max_length=64)


class Rating(SQLModel, table=True):
    __tablename__ = "ratings"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="requests.id", unique=True)
    patient_id: int | None = Field(default=None, foreign_key="patients.id", index=True)
    score: int = Field(ge=1, le=5)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Caregiver(SQLModel, table=True):
    """A family member a patient invited: told of missed doses, may file requests for them."""

    __tablename__ = "caregivers"

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patients.id", index=True)
    token: str = Field(max_length=32, unique=True)
    caregiver_user_id: int | None = Field(default=None, sa_type=BigInteger, index=True)
    caregiver_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    name: str | None = Field(default=None, max_length=60)
    # invited | active | revoked
    status: str = Field(default="invited", max_length=16)
    # While set, the caregiver's turns act as the patient (filing requests for them).
    acting: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
