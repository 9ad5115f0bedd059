"""The figures /stats and `frontdesk report` count: requests' times, the open backlog, ratings.

Only columns are read, never whole rows: a period may hold thousands of requests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import BigInteger, Integer, and_, case, cast
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


class RequestSpans(NamedTuple):
    """A request's figures, its times already subtracted by the database (whole microseconds,
    exact: the same integers Python's timedelta holds), so no timestamp is parsed per row."""

    kind: str
    state: str
    response_us: int | None  # filing -> first response, None when unanswered
    close_us: int | None  # filing -> closing, None when not closed
    responded_in_time: bool
    closed_in_time: bool


class StatsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        bind = session.bind
        self._dialect = bind.dialect.name if bind is not None else "sqlite"

    def _micros(self, later: Any, earlier: Any) -> Any:
        """`later - earlier` in whole microseconds. SQLite stores UTC as text with six decimals
        (storage.types.UTCDateTime through SQLAlchemy): whole seconds from strftime('%s'), the
        microseconds from the text."""
        if self._dialect == "postgresql":
            return cast(func.extract("epoch", later - earlier) * 1_000_000, BigInteger)

        def whole(column: Any) -> Any:
            return cast(func.strftime("%s", column), Integer) * 1_000_000 + cast(
                func.substr(column, 21, 6), Integer
            )

        return whole(later) - whole(earlier)

    async def request_spans_since(self, *, since: datetime) -> list[RequestSpans]:
        """Kind, state and times of every request filed since `since`, as `RequestSpans`."""
        created, responded = col(Request.created_at), col(Request.first_response_at)
        closed, due = col(Request.closed_at), col(Request.due_at)
        is_closed = and_(col(Request.state) == "closed", closed.is_not(None))
        query = sa_select(
            col(Request.kind),
            col(Request.state),
            case((responded.is_not(None), self._micros(responded, created)), else_=None),
            case((is_closed, self._micros(closed, created)), else_=None),
            func.coalesce(responded <= due, False),
            func.coalesce(and_(is_closed, closed <= due), False),
        ).where(created >= since)
        rows = (await self._session.exec(query)).all()  # type: ignore[call-overload]
        return [RequestSpans(k, s, r, c, bool(a), bool(b)) for k, s, r, c, a, b in rows]

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
