"""Patients, staff and the practice's runtime settings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from storage.types import JSONType, UTCDateTime, utcnow


class Patient(SQLModel, table=True):
    __tablename__ = "patients"

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int = Field(sa_type=BigInteger, unique=True, index=True)
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    birth_date: date | None = None
    fiscal_code: str | None = Field(default=None, max_length=16, index=True)
    phone: str | None = Field(default=None, max_length=32)
    # pending | verified | blocked
    verification: str = Field(default="pending", max_length=16, index=True)
    language: str = Field(default="it", max_length=8)
    consent_version: str | None = Field(default=None, max_length=32)
    consent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Remembering a refusal is the one thing kept without consent.
    consent_declined_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    consent_withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    registered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reachable: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Set when the patient's data was erased (art. 17): the row stays, anonymous, for the KPIs.
    erased_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Staff(SQLModel, table=True):
    __tablename__ = "staff"

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int = Field(sa_type=BigInteger, unique=True, index=True)
    name: str = Field(max_length=100)
    # doctor | assistant | admin
    role: str = Field(max_length=16)
    active: bool = True
    on_duty: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PracticeSetting(SQLModel, table=True):
    """Settings staff change at run time (holiday mode, canned replies), as opposed to `.env`."""

    __tablename__ = "practice_settings"

    key: str = Field(primary_key=True, max_length=64)
    value: Any = Field(default=None, sa_type=JSONType)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
