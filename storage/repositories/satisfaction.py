"""Satisfaction answers: asking (once per touchpoint, capped per patient), answering, and the
aggregates the KPIs and /stats read — per touchpoint, over a time window, figures only.

The window is on `asked_at`: an answer belongs to the period in which it was asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select as core_select
from sqlmodel import col, exists, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import Appointment, Reminder, Request, SatisfactionAnswer
from storage.tables.satisfaction import ANSWERS, DONT_KNOW, GOOD

# The reminder kinds that ask the question: the old stars' and the new question's.
ASKING_KINDS = ("rating", "satisfaction")


@dataclass(slots=True)
class TouchpointFigures:
    """What one touchpoint (a request kind, or "visit") collected in a window."""

    touchpoint: str
    asked: int = 0
    # Answers by code, every code of ANSWERS present (0 when none).
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ANSWERS, 0))
    # Distinct patients who answered (erased patients are not counted).
    patients: int = 0
    recommend_scores: list[int] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(self.counts.values())

    @property
    def rated(self) -> int:
        """Answers that say something: every answer but "don't know"."""
        return self.answered - self.counts[DONT_KNOW]

    @property
    def good_share(self) -> float | None:
        """Share of "good" or "very good" among the answers other than "don't know", 0..1."""
        rated = self.rated
        return sum(self.counts[c] for c in GOOD) / rated if rated else None

    @property
    def nps(self) -> float | None:
        """Net promoter score, -100..100: % of 9–10 minus % of 0–6; None without answers."""
        scores = self.recommend_scores
        if not scores:
            return None
        promoters = sum(1 for s in scores if s >= 9)
        detractors = sum(1 for s in scores if s <= 6)
        return 100.0 * (promoters - detractors) / len(scores)


class SatisfactionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- asking and answering ------------------------------------------------------------

    async def add(self, *, answer: SatisfactionAnswer) -> None:
        self._session.add(answer)
        await self._session.flush()

    async def save(self, *, answer: SatisfactionAnswer) -> None:
        self._session.add(answer)

    async def get(self, *, answer_id: int, for_update: bool = False) -> SatisfactionAnswer | None:
        query = select(SatisfactionAnswer).where(SatisfactionAnswer.id == answer_id)
        if for_update:
            query = query.with_for_update()
        return (await self._session.exec(query)).first()

    async def last_asked(self, *, patient_id: int) -> datetime | None:
        """When this patient was last asked the overall question; None if never."""
        query = select(func.max(SatisfactionAnswer.asked_at)).where(
            SatisfactionAnswer.patient_id == patient_id
        )
        return (await self._session.exec(query)).one()

    async def last_asked_to_recommend(self, *, patient_id: int) -> datetime | None:
        """When this patient was last asked how likely they are to recommend the practice."""
        query = select(func.max(SatisfactionAnswer.recommend_asked_at)).where(
            SatisfactionAnswer.patient_id == patient_id
        )
        return (await self._session.exec(query)).one()

    async def of_request(self, *, request_id: int) -> SatisfactionAnswer | None:
        """The latest answered question about this request (or a visit it led to)."""
        query = (
            select(SatisfactionAnswer)
            .where(
                SatisfactionAnswer.request_id == request_id,
                col(SatisfactionAnswer.answer).is_not(None),
            )
            .order_by(col(SatisfactionAnswer.answered_at).desc())
        )
        return (await self._session.exec(query)).first()

    async def question_reminder(self, *, answer: SatisfactionAnswer) -> Reminder | None:
        """The reminder that sent this question."""
        if answer.appointment_id is not None:
            which = col(Reminder.appointment_id) == answer.appointment_id
        else:
            which = (col(Reminder.request_id) == answer.request_id) & col(
                Reminder.appointment_id
            ).is_(None)
        query = select(Reminder).where(which, col(Reminder.kind).in_(ASKING_KINDS))
        return (await self._session.exec(query)).first()

    async def closed_requests_to_ask(self, *, since: datetime) -> Sequence[Request]:
        """Requests closed since `since` for which no question is planned yet."""
        planned = exists().where(
            col(Reminder.request_id) == col(Request.id),
            col(Reminder.kind).in_(ASKING_KINDS),
            col(Reminder.appointment_id).is_(None),
        )
        query = select(Request).where(
            Request.state == "closed",
            col(Request.closed_at) > since,
            col(Request.patient_id).is_not(None),
            ~planned,
        )
        return (await self._session.exec(query)).all()

    async def attended_visits_to_ask(self, *, since: datetime) -> Sequence[Appointment]:
        """Visits staff marked attended since `since` for which no question is planned yet."""
        planned = exists().where(
            col(Reminder.appointment_id) == col(Appointment.id),
            col(Reminder.kind) == "satisfaction",
        )
        query = select(Appointment).where(
            Appointment.status == "attended", col(Appointment.marked_at) > since, ~planned
        )
        return (await self._session.exec(query)).all()

    # --- what the KPIs read ----------------------------------------------------------------

    async def by_touchpoint(
        self, *, since: datetime, until: datetime
    ) -> dict[str, TouchpointFigures]:
        """Per touchpoint, the questions asked in [since, until): answers by code, distinct
        patients who answered, likelihood-to-recommend scores. Aggregates only."""
        figures: dict[str, TouchpointFigures] = {}

        def of(touchpoint: str) -> TouchpointFigures:
            return figures.setdefault(touchpoint, TouchpointFigures(touchpoint))

        table = SatisfactionAnswer
        window = (col(table.asked_at) >= since, col(table.asked_at) < until)
        query = (
            core_select(col(table.touchpoint), col(table.answer), func.count())
            .where(*window)
            .group_by(col(table.touchpoint), col(table.answer))
        )
        for touchpoint, answer, n in (await self._session.exec(query)).all():  # type: ignore[call-overload]
            row = of(touchpoint)
            row.asked += n
            if answer in row.counts:
                row.counts[answer] += n
        people = (
            core_select(col(table.touchpoint), func.count(func.distinct(col(table.patient_id))))
            .where(*window, col(table.answer).is_not(None))
            .group_by(col(table.touchpoint))
        )
        for touchpoint, n in (await self._session.exec(people)).all():  # type: ignore[call-overload]
            of(touchpoint).patients = n
        scores = (
            core_select(col(table.touchpoint), col(table.recommend), func.count())
            .where(*window, col(table.recommend).is_not(None))
            .group_by(col(table.touchpoint), col(table.recommend))
        )
        for touchpoint, score, n in (await self._session.exec(scores)).all():  # type: ignore[call-overload]
            of(touchpoint).recommend_scores.extend([score] * n)
        return figures

    async def overall(self, *, since: datetime, until: datetime) -> TouchpointFigures:
        """Every touchpoint together; `patients` counts each patient once across touchpoints."""
        total = TouchpointFigures("all")
        for row in (await self.by_touchpoint(since=since, until=until)).values():
            total.asked += row.asked
            for code, n in row.counts.items():
                total.counts[code] += n
            total.recommend_scores.extend(row.recommend_scores)
        table = SatisfactionAnswer
        people = select(func.count(func.distinct(col(table.patient_id)))).where(
            col(table.asked_at) >= since,
            col(table.asked_at) < until,
            col(table.answer).is_not(None),
        )
        total.patients = (await self._session.exec(people)).one()
        return total
