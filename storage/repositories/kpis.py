"""The KPIs' figures, as SQL aggregates over time segments (`uow.kpis`).

A caller passes ascending instants `bounds`; segment i is [bounds[i], bounds[i+1]). Every method
answers per segment with counts (or a histogram of durations in quarter units), which add up:
the caller sums segments into weeks, months and rolling windows with one scan per question.
Distinct patients do not add up, so they come per segment and, when the sum cannot settle the
"fewer than 5" question, exactly from `distinct_patients`.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Integer,
    Table,
    and_,
    cast,
    distinct,
    func,
    literal,
    or_,
    true,
    union_all,
)
from sqlalchemy import select as core_select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.readers import Readers
from storage.tables import Appointment, Enrolment, Reminder, Request, SatisfactionAnswer
from storage.tables.requests import OPEN_STATES
from storage.tables.satisfaction import DONT_KNOW, GOOD

REQUESTS: Table = Request.__table__  # type: ignore[attr-defined]
REMINDERS: Table = Reminder.__table__  # type: ignore[attr-defined]
APPOINTMENTS: Table = Appointment.__table__  # type: ignore[attr-defined]
ENROLMENTS: Table = Enrolment.__table__  # type: ignore[attr-defined]
ANSWERS: Table = SatisfactionAnswer.__table__  # type: ignore[attr-defined]
R, M, A, E = REQUESTS.c, REMINDERS.c, APPOINTMENTS.c, ENROLMENTS.c
T = ANSWERS.c
# Reminders a patient receives, and the statuses of those whose fate is known.
PATIENT_KINDS = ("therapy_dose", "appointment", "rating", "checkback")
SETTLED = ("sent", "answered", "missed")
# Histograms count durations in quarters of their unit (15 minutes, 6 hours).
BINS_PER_UNIT = 4
# Patient ids are spread over this many lanes (see `_patients`); as many as MIN_PATIENTS.
LANES = 5

Counts = dict[int, dict[str, int]]
Histogram = dict[int, dict[int, int]]


# FILTER (both databases) skips a row before the aggregate sees it: cheaper than a CASE per row.
def _count(condition: Any) -> Any:
    return func.count().filter(condition)


def _distinct(condition: Any, column: Any) -> Any:
    return func.count(distinct(column)).filter(condition)


def _patients(name: str, condition: Any, column: Any, dialect: str) -> dict[str, Any]:
    """Bounds on a figure's distinct patients that add up over segments, without the cost of
    counting distinct ids per segment: `name` counts the rows with a patient (at least as many
    as the patients), `name#lanes` has bit k set when some patient id is k modulo LANES
    (patients in different lanes are different people, so the lanes seen over a span are at
    most its patients). The bits' sum over distinct values is their OR on both databases."""
    bit = literal(1).op("<<")(column % LANES)
    # PostgreSQL sorts for every DISTINCT aggregate; its bit_or is the OR itself.
    lanes: Any = func.bit_or(bit) if dialect == "postgresql" else func.sum(distinct(bit))
    rows: Any = func.count(column)
    if condition is not None:  # None: every row the query reads
        rows, lanes = rows.filter(condition), lanes.filter(condition)
    return {name: rows, f"{name}#lanes": lanes}


UNDELIVERED = and_(M.sent_at.is_(None), M.status == "missed")
SETTLED_REMINDER = and_(M.kind.in_(PATIENT_KINDS), M.status.in_(SETTLED))
DOSE_ASKED = and_(
    M.kind == "therapy_dose",
    ~UNDELIVERED,
    or_(M.status == "missed", and_(M.status == "answered", M.answer.in_(("taken", "skipped")))),
)
VISIT_REMINDED = and_(M.kind == "appointment", ~UNDELIVERED, M.appointment_id.is_not(None))
MARKED = A.status.in_(("attended", "no_show"))
VISIT_BOOKED = and_(A.request_id.is_not(None), A.status != "declined")


def _of(programme: str | None) -> Any:
    """Enrolments of one programme, or of every one."""
    return true() if programme is None else E.programme_id == programme


def _request_due(now: datetime) -> Any:
    return or_(R.first_response_at.is_not(None), R.due_at <= now)


def _parts(column: Any, bounds: Sequence[datetime]) -> list[tuple[int, Any]]:
    """Segment i as a range condition on `column`. One aggregate per segment, glued with UNION
    ALL, reads each segment's rows through the time index and compares each row with its own
    segment's two bounds only: no per-row CASE over every bound, and no sort to group by it."""
    return [
        (index, and_(column >= start, column < end))
        for index, (start, end) in enumerate(itertools.pairwise(bounds))
    ]


class KpiRepository:
    """The KPIs count what is committed. With `readers` (storage.readers) the big aggregates
    run on connections of their own, and callers may ask several at once (`side_by_side`);
    without, they run on the session, one at a time."""

    def __init__(self, session: AsyncSession, readers: Readers | None = None) -> None:
        self._session = session
        self._readers = readers
        bind = session.bind
        self._dialect = bind.dialect.name if bind is not None else "sqlite"

    @property
    def side_by_side(self) -> bool:
        """Whether the aggregates below may be awaited concurrently."""
        return self._readers is not None

    async def _all(self, statement: Any) -> Sequence[Any]:
        if self._readers is not None:
            return await self._readers.rows(statement)
        return (await self._session.exec(statement)).all()  # type: ignore[no-any-return]

    def _units(self, later: Any, earlier: Any, unit_seconds: int) -> Any:
        """`later - earlier` in a unit (3600: hours), as SQL both databases run."""
        if self._dialect == "postgresql":
            # date_part is double precision, as julianday on SQLite; EXTRACT's numeric is
            # exact to no purpose here (a bin is 15 minutes) and costs half the histogram.
            return func.date_part("epoch", later - earlier) / unit_seconds
        return (func.julianday(later) - func.julianday(earlier)) * (86400.0 / unit_seconds)

    def _bin(self, value: Any) -> Any:
        scaled = value * BINS_PER_UNIT
        return func.floor(scaled) if self._dialect == "postgresql" else cast(scaled, Integer)

    async def _counts(
        self, time: Any, where: Any, columns: dict[str, Any], bounds: Sequence[datetime]
    ) -> Counts:
        parts = [
            core_select(literal(index).label("segment"), *columns.values()).where(within, where)
            for index, within in _parts(time, bounds)
        ]
        if not parts:
            return {}
        rows = await self._all(union_all(*parts))
        # An aggregate over no rows is NULL: nothing counted.
        counts = {
            int(row[0]): {name: int(v or 0) for name, v in zip(columns, row[1:], strict=True)}
            for row in rows
        }
        return {segment: row for segment, row in counts.items() if any(row.values())}

    async def _histogram(
        self, time: Any, value: Any, where: Any, bounds: Sequence[datetime], joined: Any = None
    ) -> Histogram:
        parts = []
        for index, within in _parts(time, bounds):
            bin_ = self._bin(value).label("bin")
            if self._dialect == "sqlite":
                # SQLite groups by sorting every row (a year of requests: 0.25 s of the 0.32 s
                # a histogram took); the bins as one text, counted here, cost a third of that.
                part = core_select(literal(index), func.group_concat(bin_), literal(None))
            else:
                part = core_select(literal(index), bin_, func.count()).group_by(bin_)
            if joined is not None:
                part = part.select_from(joined)
            parts.append(part.where(within, where))
        if not parts:
            return {}
        out: Histogram = defaultdict(dict)
        for seg, bins, n in await self._all(union_all(*parts)):
            if n is not None:
                out[int(seg)][int(bins)] = int(n)
            elif bins:
                counted = Counter(bins.split(","))
                out[int(seg)] = {int(bin_): count for bin_, count in counted.items()}
        return dict(out)

    async def request_counts(self, *, bounds: Sequence[datetime], now: datetime) -> Counts:
        """Per segment of filing: requests whose answer is known or overdue (`due`), answered
        within the promised time (`in_time`), and their patients."""
        answered = R.first_response_at.is_not(None)
        due = _request_due(now)
        columns = {
            "due": _count(due),
            "in_time": _count(and_(answered, R.first_response_at <= R.due_at)),
            **_patients("patients", due, R.patient_id, self._dialect),
            **_patients("answered_patients", answered, R.patient_id, self._dialect),
            **_patients("closed_patients", R.state == "closed", R.patient_id, self._dialect),
        }
        return await self._counts(R.created_at, R.created_at.is_not(None), columns, bounds)

    async def first_response_hours(self, *, bounds: Sequence[datetime]) -> Histogram:
        """Per segment of filing: hours from filing to the first answer."""
        hours = self._units(R.first_response_at, R.created_at, 3600)
        return await self._histogram(R.created_at, hours, R.first_response_at.is_not(None), bounds)

    async def close_hours(self, *, bounds: Sequence[datetime]) -> Histogram:
        """Per segment of filing: hours from filing to closing, for requests closed."""
        hours = self._units(R.closed_at, R.created_at, 3600)
        closed = and_(R.state == "closed", R.closed_at.is_not(None))
        return await self._histogram(R.created_at, hours, closed, bounds)

    async def open_backlog(self, *, now: datetime, at_most: int) -> tuple[float | None, int]:
        """(days the oldest open request has waited, patients with an open request, counted up
        to `at_most`: enough to tell a few from many without counting them all)."""
        is_open = R.state.in_(OPEN_STATES)
        # The oldest by filing time: the KPI index read in order, up to the first open one.
        oldest = (
            await self._session.exec(  # type: ignore[call-overload]
                core_select(R.created_at).where(is_open).order_by(R.created_at).limit(1)
            )
        ).scalar_one_or_none()
        if oldest is None:
            return None, 0
        some = core_select(R.patient_id).where(is_open).distinct().limit(at_most).subquery()
        patients = (await self._session.exec(core_select(func.count()).select_from(some))).one()  # type: ignore[call-overload]
        if oldest.tzinfo is None:  # SQLite hands aggregates back naive, in UTC
            oldest = oldest.replace(tzinfo=now.tzinfo)
        return (now - oldest).total_seconds() / 86400, int(patients[0])

    async def reminder_counts(self, *, bounds: Sequence[datetime]) -> Counts:
        """Per segment of falling due: reminders delivered or not, doses taken or asked about,
        appointments reminded, confirmed and cancelled by the patient, and their patients."""
        delivered, asked, visit = ~UNDELIVERED, DOSE_ASKED, VISIT_REMINDED
        columns = {
            "delivered": _count(delivered),
            "settled": func.count(),
            **_patients("patients", None, M.patient_id, self._dialect),
            "taken": _count(and_(asked, M.answer == "taken", M.status == "answered")),
            "asked": _count(asked),
            **_patients("dose_patients", asked, M.patient_id, self._dialect),
        }
        counts = await self._counts(M.due_at, SETTLED_REMINDER, columns, bounds)
        # Distinct appointments need a sort or a hash per segment: counted apart, over the
        # appointment reminders only, so a year of dose reminders pays nothing for them.
        visits = {
            "reminded": func.count(distinct(M.appointment_id)),
            "confirmed": _distinct(M.answer == "confirmed", M.appointment_id),
            "cancelled": _distinct(M.answer == "cancelled", M.appointment_id),
            **_patients("visit_patients", None, M.patient_id, self._dialect),
        }
        visit_counts = await self._counts(M.due_at, and_(SETTLED_REMINDER, visit), visits, bounds)
        empty = dict.fromkeys(visits, 0)
        return {segment: row | visit_counts.get(segment, empty) for segment, row in counts.items()}

    async def attendance_counts(self, *, bounds: Sequence[datetime]) -> Counts:
        """Per segment of the appointment's time: attended, no-shows, and their patients."""
        columns = {
            "marked": func.count(),
            "no_show": _count(A.status == "no_show"),
            **_patients("patients", None, A.patient_id, self._dialect),
        }
        return await self._counts(A.starts_at, MARKED, columns, bounds)

    async def visit_wait_days(self, *, bounds: Sequence[datetime]) -> Histogram:
        """Per segment of booking: days from the visit request to the appointment's time."""
        days = self._units(A.starts_at, R.created_at, 86400)
        joined = APPOINTMENTS.join(REQUESTS, R.id == A.request_id)
        return await self._histogram(A.created_at, days, VISIT_BOOKED, bounds, joined)

    async def visit_wait_patients(self, *, bounds: Sequence[datetime]) -> Counts:
        columns = _patients("patients", None, A.patient_id, self._dialect)
        return await self._counts(A.created_at, VISIT_BOOKED, columns, bounds)

    async def satisfaction_counts(self, *, bounds: Sequence[datetime]) -> Counts:
        """Per segment of asking: answers that say something ("don't know" left out), those
        "good" or "very good", and their patients. The old stars are not among them."""
        rated = and_(T.answer.is_not(None), T.answer != DONT_KNOW)
        columns = {
            "answers": _count(rated),
            "good": _count(T.answer.in_(GOOD)),
            **_patients("patients", rated, T.patient_id, self._dialect),
        }
        return await self._counts(T.asked_at, T.answer.is_not(None), columns, bounds)

    async def programmes(self) -> list[str]:
        """The programmes anybody was ever enrolled in, by id."""
        query = core_select(E.programme_id).distinct().order_by(E.programme_id)
        return [str(row[0]) for row in await self._all(query)]

    async def invitation_counts(
        self, *, bounds: Sequence[datetime], programme: str | None = None
    ) -> Counts:
        """Per segment of invitation, over every programme or one: invited, booked, their
        patients."""
        booked = or_(
            E.booked_at.is_not(None), E.request_id.is_not(None), E.appointment_id.is_not(None)
        )
        columns = {
            "invited": func.count(),
            "booked": _count(booked),
            **_patients("patients", None, E.patient_id, self._dialect),
            **_patients(
                "booked_patients", E.appointment_at.is_not(None), E.patient_id, self._dialect
            ),
        }
        where = and_(E.invited_at.is_not(None), _of(programme))
        return await self._counts(E.invited_at, where, columns, bounds)

    async def invitation_wait_days(self, *, bounds: Sequence[datetime]) -> Histogram:
        """Per segment of invitation: days from the invitation to the appointment's time."""
        days = self._units(E.appointment_at, E.invited_at, 86400)
        return await self._histogram(E.invited_at, days, E.appointment_at.is_not(None), bounds)

    async def review_counts(
        self, *, bounds: Sequence[datetime], programme: str | None = None
    ) -> Counts:
        """Per segment of a patient's review falling due (their cycle's planning), over every
        programme or one: due, and reviewed (visit attended, marked done, or already done
        elsewhere)."""
        reviewed = or_(
            E.attended_at.is_not(None), E.done_at.is_not(None), E.state == "already_done"
        )
        columns = {
            "due": func.count(),
            "reviewed": _count(reviewed),
            **_patients("patients", None, E.patient_id, self._dialect),
        }
        where = and_(E.planned_at.is_not(None), _of(programme))
        return await self._counts(E.planned_at, where, columns, bounds)

    async def distinct_patients(
        self,
        *,
        source: str,
        since: datetime,
        until: datetime,
        now: datetime,
        programme: str | None = None,
    ) -> int:
        """Patients behind one source's figures in [since, until) (of one programme, for the
        programmes' sources): the exact count, asked only when the per-segment counts leave
        "fewer than 5" open."""
        time, patient, where = _sources(now)[source]
        if programme is not None:
            where = and_(where, E.programme_id == programme)
        query = core_select(func.count(func.distinct(patient))).where(
            time >= since, time < until, where
        )
        return int((await self._all(query))[0][0])


def _sources(now: datetime) -> dict[str, tuple[Any, Any, Any]]:
    """Each figure's patients: (time column, patient column, which rows), as counted above."""
    return {
        "requests": (R.created_at, R.patient_id, _request_due(now)),
        "answered": (R.created_at, R.patient_id, R.first_response_at.is_not(None)),
        "closed": (R.created_at, R.patient_id, R.state == "closed"),
        "reminders": (M.due_at, M.patient_id, SETTLED_REMINDER),
        "doses": (M.due_at, M.patient_id, and_(SETTLED_REMINDER, DOSE_ASKED)),
        "visits": (M.due_at, M.patient_id, and_(SETTLED_REMINDER, VISIT_REMINDED)),
        "attendance": (A.starts_at, A.patient_id, MARKED),
        "visit_wait": (A.created_at, A.patient_id, VISIT_BOOKED),
        "satisfaction": (
            T.asked_at,
            T.patient_id,
            and_(T.answer.is_not(None), T.answer != DONT_KNOW),
        ),
        "invitations": (E.invited_at, E.patient_id, E.invited_at.is_not(None)),
        "booked": (E.invited_at, E.patient_id, E.appointment_at.is_not(None)),
        "reviews": (E.planned_at, E.patient_id, E.planned_at.is_not(None)),
    }
