"""The segment of a programme as one SQL statement: who matches, and why each one would not be
invited now. Evaluated in the database (100,000 patients in well under a second on SQLite), never
row by row in Python; `ProgrammeRepository` is the way in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, and_, case, exists, func, literal, or_, select, true

from storage.tables import (
    Appointment,
    Completion,
    Contact,
    Enrolment,
    Patient,
    PatientTag,
    PreventionConsent,
    ProgrammeOptOut,
    Therapy,
)

PATIENTS: Table = Patient.__table__  # type: ignore[attr-defined]
P = PATIENTS.c
TAGS = PatientTag.__table__.c  # type: ignore[attr-defined]
CONSENT = PreventionConsent.__table__.c  # type: ignore[attr-defined]
OPT_OUT = ProgrammeOptOut.__table__.c  # type: ignore[attr-defined]
DONE = Completion.__table__.c  # type: ignore[attr-defined]
ENROLLED = Enrolment.__table__.c  # type: ignore[attr-defined]
CONTACT = Contact.__table__.c  # type: ignore[attr-defined]
VISIT = Appointment.__table__.c  # type: ignore[attr-defined]
THERAPY = Therapy.__table__.c  # type: ignore[attr-defined]

# The codice fiscale's day of birth is 40 higher for women: its tens digit is 4-7, or the letter
# standing for it when the office substituted digits (omocodia: Q-T for 4-7).
_FEMALE_TENS = ("4", "5", "6", "7", "Q", "R", "S", "T")

# Why someone in the segment is not invited now, in the order they are told apart.
REASONS = ("erased", "no_consent", "unreachable", "opted_out", "done_recently", "enrolled",
           "capped")  # fmt: skip
INVITE = "invite"


@dataclass(frozen=True, slots=True)
class SegmentQuery:
    """A segment in the database's terms, computed by the caller for one moment.

    `born_on_or_before`/`born_after`: the age bounds as dates of birth. `no_visit_since`: no
    attended appointment from then on. `done_since`: a completion on or after it counts as done
    recently. `capped_since`: a programme message queued after it caps the patient. `cycle`:
    patients already enrolled in it are not enrolled again.
    """

    programme_id: str
    cycle: int
    capped_since: datetime
    born_on_or_before: date | None = None
    born_after: date | None = None
    sex: str | None = None
    tags_any: tuple[str, ...] = ()
    tags_all: tuple[str, ...] = ()
    tags_none: tuple[str, ...] = ()
    no_visit_since: datetime | None = None
    done_since: date | None = None
    active_therapy: bool | None = None


def has_prevention_consent() -> Any:
    """Consent to prevention reminders given and not withdrawn, and care consent not withdrawn."""
    given = exists().where(
        CONSENT.patient_id == P.id,
        CONSENT.consent_at.is_not(None),
        CONSENT.consent_withdrawn_at.is_(None),
    )
    return and_(given, P.consent_withdrawn_at.is_(None))


def opted_out(programme_id: Any) -> Any:
    return exists().where(OPT_OUT.patient_id == P.id, OPT_OUT.programme_id == programme_id)


def capped(since: datetime) -> Any:
    return exists().where(CONTACT.patient_id == P.id, CONTACT.queued_at > since)


def matches(query: SegmentQuery) -> list[Any]:
    """The segment's own criteria (who it is for, whatever their consent or history)."""
    where: list[Any] = [P.registered_at.is_not(None)]
    if query.born_on_or_before is not None:
        where.append(P.birth_date <= query.born_on_or_before)
    if query.born_after is not None:
        where.append(P.birth_date > query.born_after)
    if query.sex is not None:
        female = func.substr(P.fiscal_code, 10, 1).in_(_FEMALE_TENS)
        where.append(P.fiscal_code.is_not(None))
        where.append(female if query.sex == "F" else ~female)
    if query.tags_any:
        tagged = select(TAGS.patient_id).where(TAGS.tag.in_(query.tags_any))
        where.append(P.id.in_(tagged))
    for tag in query.tags_all:
        where.append(P.id.in_(select(TAGS.patient_id).where(TAGS.tag == tag)))
    if query.tags_none:
        where.append(~exists().where(TAGS.patient_id == P.id, TAGS.tag.in_(query.tags_none)))
    if query.no_visit_since is not None:
        recent = exists().where(
            VISIT.patient_id == P.id,
            VISIT.status == "attended",
            VISIT.starts_at >= query.no_visit_since,
        )
        where.append(~recent)
    if query.active_therapy is not None:
        treated = exists().where(THERAPY.patient_id == P.id, THERAPY.active == true())
        where.append(treated if query.active_therapy else ~treated)
    return where


def reason(query: SegmentQuery) -> Any:
    """The first reason not to invite a matching patient now, or 'invite'."""
    done: Any = literal(False)
    if query.done_since is not None:
        done = exists().where(
            DONE.patient_id == P.id,
            DONE.programme_id == query.programme_id,
            DONE.done_on >= query.done_since,
        )
    enrolled = exists().where(
        ENROLLED.patient_id == P.id,
        ENROLLED.programme_id == query.programme_id,
        ENROLLED.cycle == query.cycle,
    )
    return case(
        (P.erased_at.is_not(None), "erased"),
        (~has_prevention_consent(), "no_consent"),
        (P.reachable == literal(False), "unreachable"),
        (opted_out(query.programme_id), "opted_out"),
        (done, "done_recently"),
        (enrolled, "enrolled"),
        (capped(query.capped_since), "capped"),
        else_=INVITE,
    )


def counts_statement(query: SegmentQuery) -> Any:
    why = reason(query).label("reason")
    return select(why, func.count()).where(*matches(query)).group_by(why)


def invitable_statement(query: SegmentQuery) -> Any:
    """Ids of the patients who would be invited now."""
    return select(P.id).where(*matches(query), reason(query) == INVITE)


def reachable_now(programme_id: Any) -> Any:
    """A patient a programme's message may still go to (checked again at send time)."""
    return and_(
        P.erased_at.is_(None),
        P.reachable == literal(True),
        has_prevention_consent(),
        ~opted_out(programme_id),
    )


def not_reachable_now(programme_id: Any) -> Any:
    return or_(
        P.erased_at.is_not(None),
        P.reachable == literal(False),
        ~has_prevention_consent(),
        opted_out(programme_id),
    )
