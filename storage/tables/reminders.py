"""Therapies, appointments, scheduled reminders, the outbox of messages, and ratings."""

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


class Reminder(SQLModel, table=True):
    """A planned reminder: the database is the truth, the scheduler only wakes the dispatcher."""

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_status_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    # therapy_dose | appointment | rating | checkback | request_wake | request_expiry
    kind: str = Field(max_length=32)
    idempotency_key: str = Field(max_length=128, unique=True)
    patient_id: int | None = Field(default=None, foreign_key="patients.id", index=True)
    therapy_id: int | None = Field(default=None, foreign_key="therapies.id")
    appointment_id: int | None = Field(default=None, foreign_key="appointments.id")
    request_id: int | None = Field(default=None, foreign_key="requests.id")
    due_at: datetime = Field(sa_type=UTCDateTime)
    # scheduled | sent | answered | missed | cancelled
    status: str = Field(default="scheduled", max_length=16)
    answer: str | None = Field(default=None, max_length=16)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OutboundMessage(SQLModel, table=True):
    """The outbox: every message the practice pushes, sent at most once per idempotency key."""

    __tablename__ = "outbound_messages"
    __table_args__ = (Index("ix_outbound_status_not_before", "status", "not_before"),)

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=128, unique=True)
    chat_id: int = Field(sa_type=BigInteger)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    # pending | sending | sent | failed | undeliverable
    status: str = Field(default="pending", max_length=16)
    not_before: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=200)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    telegram_message_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Rating(SQLModel, table=True):
    __tablename__ = "ratings"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="requests.id", unique=True)
    patient_id: int | None = Field(default=None, foreign_key="patients.id", index=True)
    score: int = Field(ge=1, le=5)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
