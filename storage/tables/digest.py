"""Staff notices that wait for the practice to open, gathered then into one digest per person."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from storage.types import JSONType, UTCDateTime, utcnow


class DigestNotice(SQLModel, table=True):
    """One notice held for a staff member's opening digest; deleted once gathered into it (the
    digest itself is an outbox message like every other push)."""

    __tablename__ = "staff_digest_notices"

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=BigInteger)
    # The catalog key of the notice's line and its parameters (request number and kind, never
    # a patient's answers).
    key: str = Field(max_length=64)
    params: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    # The opening it waits for.
    due_at: datetime = Field(sa_type=UTCDateTime, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
