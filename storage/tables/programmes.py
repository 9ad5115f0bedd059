"""Follow-up programmes: condition tags, each programme's run state and cycles, one enrolment per
patient and cycle with its funnel, the contacts sent (once each), staff calls, opt-outs,
completions, and the patient's separate consent to prevention reminders."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import JSONType, UTCDateTime, utcnow


class PatientTag(SQLModel, table=True):
    """A condition the practice set or imported for a patient (diabete, ipertensione...)."""

    __tablename__ = "patient_tags"
    __table_args__ = (Index("ix_patient_tags_tag", "tag", "patient_id"),)

    patient_id: int = Field(foreign_key="patients.id", primary_key=True)
    tag: str = Field(primary_key=True, max_length=40)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PreventionConsent(SQLModel, table=True):
    """Consent to prevention outreach, kept apart from the privacy consent (which covers care):
    the same fields as on `patients`, versioned, a refusal remembered."""

    __tablename__ = "prevention_consents"

    patient_id: int = Field(foreign_key="patients.id", primary_key=True)
    consent_version: str | None = Field(default=None, max_length=32)
    consent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    consent_declined_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    consent_withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ProgrammeState(SQLModel, table=True):
    """A declared programme's run state; declarations themselves live in files, not here."""

    __tablename__ = "programme_states"

    programme_id: str = Field(primary_key=True, max_length=40)
    # draft | running | paused | stopped
    status: str = Field(default="draft", max_length=16)
    cycle: int = 0
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by: int | None = None


class ProgrammeCycle(SQLModel, table=True):
    """One round of a programme (a season, an N-month window, or the only one)."""

    __tablename__ = "programme_cycles"
    __table_args__ = (UniqueConstraint("programme_id", "cycle"),)

    id: int | None = Field(default=None, primary_key=True)
    programme_id: str = Field(max_length=40)
    cycle: int
    started_at: datetime = Field(sa_type=UTCDateTime)
    # No new enrolments from then on (the season or the window is over).
    ends_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    planned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Segment size and exclusions by reason at the last planning, for the funnel's top.
    eligible: int = 0
    excluded: dict[str, int] = Field(default_factory=dict, sa_type=JSONType)


class Enrolment(SQLModel, table=True):
    """One patient in one cycle of one programme, and how far down the funnel they went."""

    __tablename__ = "programme_enrolments"
    __table_args__ = (
        UniqueConstraint("patient_id", "programme_id", "cycle"),
        Index("ix_programme_enrolments_due", "state", "next_due_at"),
        Index("ix_programme_enrolments_cycle", "programme_id", "cycle", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patients.id")
    programme_id: str = Field(max_length=40)
    cycle: int
    # planned | invited | answered | booked | already_done | declined | snoozed |
    # non_responder | unreachable | opted_out
    state: str = Field(default="planned", max_length=16)
    # Index of the next step to send; equal to the number of steps once all went out.
    next_step: int = 0
    next_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    planned_at: datetime = Field(sa_type=UTCDateTime)
    invited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # book | done | later | decline, and the step whose message was last sent then.
    answer: str | None = Field(default=None, max_length=16)
    answered_step: int | None = None
    booked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    request_id: int | None = Field(default=None, foreign_key="requests.id", index=True)
    appointment_id: int | None = Field(default=None, foreign_key="appointments.id")
    appointment_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    declined_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    snoozed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    snoozes: int = 0
    non_responder_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    unreachable_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    opted_out_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Contact(SQLModel, table=True):
    """One step's message to one patient in one cycle: written once, whatever happens after."""

    __tablename__ = "programme_contacts"
    __table_args__ = (
        UniqueConstraint("patient_id", "programme_id", "cycle", "step"),
        Index("ix_programme_contacts_patient_queued", "patient_id", "queued_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    enrolment_id: int = Field(foreign_key="programme_enrolments.id", index=True)
    patient_id: int = Field(foreign_key="patients.id")
    programme_id: str = Field(max_length=40)
    cycle: int
    step: int
    queued_at: datetime = Field(sa_type=UTCDateTime)
    outbox_id: int | None = Field(default=None, index=True)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ProgrammeCall(SQLModel, table=True):
    """A staff phone call to a non-responder and what came of it."""

    __tablename__ = "programme_calls"

    id: int | None = Field(default=None, primary_key=True)
    enrolment_id: int = Field(foreign_key="programme_enrolments.id", index=True)
    # booked | no_answer | refuses | wrong_number
    outcome: str = Field(max_length=16)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    called_at: datetime = Field(sa_type=UTCDateTime)


class ProgrammeOptOut(SQLModel, table=True):
    """A patient who left a programme: never invited to it again."""

    __tablename__ = "programme_opt_outs"

    patient_id: int = Field(foreign_key="patients.id", primary_key=True)
    programme_id: str = Field(primary_key=True, max_length=40)
    opted_out_at: datetime = Field(sa_type=UTCDateTime)
    enrolment_id: int | None = None


class Completion(SQLModel, table=True):
    """The programme's check done (told by the patient, staff, or an attended visit)."""

    __tablename__ = "programme_completions"
    __table_args__ = (Index("ix_programme_completions_lookup", "patient_id", "programme_id",
                            "done_on"),)  # fmt: skip

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patients.id")
    programme_id: str = Field(max_length=40)
    done_on: date
    # patient | staff | visit
    source: str = Field(default="patient", max_length=16)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    enrolment_id: int | None = None
