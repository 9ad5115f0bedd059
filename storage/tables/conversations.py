"""Where each chat stands in a flow, and the journal of incoming updates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from storage.types import JSONType, UTCDateTime, utcnow


class Conversation(SQLModel, table=True):
    """Per-chat flow position and answers so far, so a restart resumes mid-flow."""

    __tablename__ = "conversations"

    chat_id: int = Field(sa_type=BigInteger, primary_key=True)
    user_id: int = Field(sa_type=BigInteger, index=True)
    flow: str | None = Field(default=None, max_length=64)
    step: str | None = Field(default=None, max_length=64)
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    # Path of steps taken, for Back.
    trail: list[str] = Field(default_factory=list, sa_type=JSONType)
    menu_message_id: int | None = Field(default=None, sa_type=BigInteger)
    # Changes whenever a new menu is shown; buttons carry it so stale taps are recognised.
    nonce: int = 0
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProcessedUpdate(SQLModel, table=True):
    """Every incoming update, journalled before it is handled and marked done with its effects."""

    __tablename__ = "processed_updates"

    update_id: int = Field(sa_type=BigInteger, primary_key=True)
    chat_id: int | None = Field(default=None, sa_type=BigInteger, index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    # pending | done | failed (could not be read: set aside, never handled)
    status: str = Field(default="pending", max_length=16, index=True)
    attempts: int = 0
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    handled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
