"""Satisfaction as primary care asks it: one overall question after a touchpoint, an optional
short comment, and now and then the likelihood to recommend (0–10).

A row is written when the question is sent (`asked_at`), so the cap "once every 30 days" counts
what was asked, answered or not. The old 1–5 stars stay in `ratings`, never converted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow

# The six answers, best first. Stored as these codes; "dont_know" counts as answered but is
# left out of the "good or very good" share.
ANSWERS = ("very_good", "good", "neither", "poor", "very_poor", "dont_know")
GOOD = ("very_good", "good")
DONT_KNOW = "dont_know"
VISIT = "visit"  # the touchpoint of an attended visit; a request's is its kind
COMMENT_MAX = 300


class SatisfactionAnswer(SQLModel, table=True):
    __tablename__ = "satisfaction_answers"
    __table_args__ = (
        Index("ix_satisfaction_answers_asked_at", "asked_at"),
        Index("ix_satisfaction_answers_patient_asked", "patient_id", "asked_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Cleared when the patient's data is erased; the answer still counts in the KPIs.
    patient_id: int | None = Field(default=None, foreign_key="patients.id")
    # A request's kind (prescription, certificate...) or "visit".
    touchpoint: str = Field(max_length=32)
    request_id: int | None = Field(default=None, foreign_key="requests.id", index=True)
    appointment_id: int | None = Field(default=None, foreign_key="appointments.id", index=True)
    # One of ANSWERS; None while unanswered.
    answer: str | None = Field(default=None, max_length=16)
    comment: str | None = Field(default=None, max_length=COMMENT_MAX)
    asked_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    commented_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Likelihood to recommend, 0..10, asked at most once a quarter and only when enabled.
    recommend: int | None = Field(default=None, ge=0, le=10)
    recommend_asked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    recommend_answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
