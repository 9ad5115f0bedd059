"""Requests and their audit trail."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import Attachment, Rating, Request, RequestEvent
from storage.tables.requests import OPEN_SQL, OPEN_STATES


def _state_in(states: Sequence[str]) -> Any:
    """A literal predicate for 'every open state', so the planner can use the partial indexes
    (a parameterised IN list cannot be proven to match their WHERE clause)."""
    if set(states) == set(OPEN_STATES):
        return text(OPEN_SQL)
    return col(Request.state).in_(states)


class RequestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, *, request_id: int, for_update: bool = False) -> Request | None:
        """`for_update` takes a row lock on PostgreSQL; SQLite's write lock is already held."""
        query = select(Request).where(Request.id == request_id)
        if for_update:
            query = query.with_for_update()
        return (await self._session.exec(query)).first()

    async def add(self, *, request: Request) -> Request:
        self._session.add(request)
        await self._session.flush()
        return request

    async def save(self, *, request: Request) -> None:
        self._session.add(request)
        await self._session.flush()

    async def add_event(self, *, event: RequestEvent) -> RequestEvent:
        self._session.add(event)
        await self._session.flush()
        return event

    async def events(self, *, request_id: int) -> Sequence[RequestEvent]:
        query = (
            select(RequestEvent)
            .where(RequestEvent.request_id == request_id)
            .order_by(col(RequestEvent.at), col(RequestEvent.id))
        )
        return (await self._session.exec(query)).all()

    async def add_attachment(self, *, attachment: Attachment) -> Attachment:
        self._session.add(attachment)
        await self._session.flush()
        return attachment

    async def attachments(self, *, request_id: int) -> Sequence[Attachment]:
        query = (
            select(Attachment)
            .where(Attachment.request_id == request_id)
            .order_by(col(Attachment.id))
        )
        return (await self._session.exec(query)).all()

    async def for_patient(
        self, *, patient_id: int, kind: str | None = None, limit: int = 20
    ) -> Sequence[Request]:
        """The patient's latest requests (of one kind, when given), newest first."""
        conditions: list[Any] = [Request.patient_id == patient_id]
        if kind is not None:
            conditions.append(Request.kind == kind)
        query = (
            select(Request)
            .where(*conditions)
            .order_by(col(Request.created_at).desc(), col(Request.id).desc())
            .limit(limit)
        )
        return (await self._session.exec(query)).all()

    async def waiting_for_patient(self, *, patient_id: int) -> Sequence[Request]:
        """This patient's requests on which the practice waits for an answer, oldest first."""
        query = (
            select(Request)
            .where(Request.patient_id == patient_id, Request.state == "waiting_patient")
            .order_by(col(Request.waiting_since), col(Request.id))
        )
        return (await self._session.exec(query)).all()

    async def counts_by_state(self, *, states: Sequence[str]) -> dict[str, int]:
        query = (
            select(Request.state, func.count())
            .where(_state_in(states))
            .group_by(col(Request.state))
        )
        return dict((await self._session.exec(query)).all())

    def _inbox_filter(
        self, *, states: Sequence[str], kind: str | None, assignee_id: int | None
    ) -> list[Any]:
        conditions: list[Any] = [_state_in(states)]
        if kind is not None:
            conditions.append(Request.kind == kind)
        if assignee_id is not None:
            conditions.append(Request.assignee_id == assignee_id)
        return conditions

    async def inbox(
        self,
        *,
        states: Sequence[str],
        kind: str | None = None,
        assignee_id: int | None = None,
        limit: int = 8,
        offset: int = 0,
    ) -> Sequence[Request]:
        """Open requests, oldest due first."""
        query = (
            select(Request)
            .where(*self._inbox_filter(states=states, kind=kind, assignee_id=assignee_id))
            .order_by(col(Request.due_at), col(Request.id))
            .limit(limit)
            .offset(offset)
        )
        return (await self._session.exec(query)).all()

    async def count_inbox(
        self, *, states: Sequence[str], kind: str | None = None, assignee_id: int | None = None
    ) -> int:
        query = (
            select(func.count())
            .select_from(Request)
            .where(*self._inbox_filter(states=states, kind=kind, assignee_id=assignee_id))
        )
        return (await self._session.exec(query)).one()

    async def last_event(self, *, request_id: int) -> RequestEvent | None:
        query = (
            select(RequestEvent)
            .where(RequestEvent.request_id == request_id)
            .order_by(col(RequestEvent.at).desc(), col(RequestEvent.id).desc())
            .limit(1)
        )
        return (await self._session.exec(query)).first()

    async def snoozed_until_before(
        self, *, moment: datetime, limit: int = 200
    ) -> Sequence[Request]:
        query = (
            select(Request)
            .where(Request.state == "snoozed", col(Request.snoozed_until) <= moment)
            .order_by(col(Request.snoozed_until))
            .limit(limit)
        )
        return (await self._session.exec(query)).all()

    async def waiting_since_before(
        self, *, moment: datetime, limit: int = 200
    ) -> Sequence[Request]:
        query = (
            select(Request)
            .where(Request.state == "waiting_patient", col(Request.waiting_since) <= moment)
            .order_by(col(Request.waiting_since))
            .limit(limit)
        )
        return (await self._session.exec(query)).all()

    async def count_created_since(self, *, patient_id: int, since: datetime) -> int:
        query = select(func.count()).where(
            Request.patient_id == patient_id, col(Request.created_at) >= since
        )
        return (await self._session.exec(query)).one()

    # What reminders and follow-ups ask of requests: the batch a release refers to, ratings.

    async def by_ids(self, *, ids: Iterable[int | None]) -> dict[int, Request]:
        wanted = {i for i in ids if i is not None}
        if not wanted:
            return {}
        query = select(Request).where(col(Request.id).in_(wanted))
        return {r.id: r for r in (await self._session.exec(query)).all() if r.id is not None}

    async def rating_of(self, *, request_id: int) -> Rating | None:
        """The patient's rating of a closed request (one per request)."""
        query = select(Rating).where(Rating.request_id == request_id)
        return (await self._session.exec(query)).first()

    async def add_rating(self, *, rating: Rating) -> None:
        """Written with the unit of work's next flush or commit."""
        self._session.add(rating)
