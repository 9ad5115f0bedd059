"""The figures /stats and `frontdesk report` count: requests' times, the open backlog, ratings.

Only columns are read, never whole rows: a period may hold thousands of requests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select as sa_select
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import Rating, Request


class RequestTimes(NamedTuple):
    kind: str
    state: str
    created_at: datetime
    first_response_at: datetime | None
    closed_at: datetime | None
    due_at: datetime


class StatsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def requests_created_since(self, *, since: datetime) -> list[RequestTimes]:
        """The kind, state and times of every request filed since `since`."""
        query = sa_select(
            col(Request.kind),
            col(Request.state),
            col(Request.created_at),
            col(Request.first_response_at),
            col(Request.closed_at),
            col(Request.due_at),
        ).where(col(Request.created_at) >= since)
        rows = (await self._session.exec(query)).all()  # type: ignore[call-overload]
        return [RequestTimes(*row) for row in rows]

    async def count_overdue(self, *, states: Sequence[str], now: datetime) -> int:
        """Requests in `states` whose promised time has passed."""
        query = select(func.count()).where(
            col(Request.state).in_(states), col(Request.due_at) < now
        )
        return (await self._session.exec(query)).one()

    async def oldest_created_at(self, *, states: Sequence[str]) -> datetime | None:
        """When the oldest request in `states` was filed; None when there is none."""
        query = select(func.min(Request.created_at)).where(col(Request.state).in_(states))
        return (await self._session.exec(query)).one()

    async def rating_scores_since(self, *, since: datetime) -> list[int]:
        query = select(Rating.score).where(col(Rating.created_at) >= since)
        return list((await self._session.exec(query)).all())
