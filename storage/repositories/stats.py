"""The figures /stats and `frontdesk report` count: requests' times, the open backlog, ratings.

Only columns are read, never whole rows: a period may hold thousands of requests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import BigInteger, Integer, and_, cast
from sqlalchemy import select as sa_select
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import Rating, Request


class RequestFigures(NamedTuple):
    """The requests filed in a period: counts by kind and state, and their durations, already
    subtracted by the database in whole microseconds (exact: the integers Python's timedelta
    holds), so no timestamp is parsed per row."""

    by_kind_state: dict[tuple[str, str], int]
    response_us: list[int]  # filing -> first response, one per request answered
    close_us: list[int]  # filing -> closing, one per request closed
    responded_in_time: int
    closed_in_time: int


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

    async def request_figures_since(self, *, since: datetime) -> RequestFigures:
        """What /stats counts of the requests filed since `since` (see `RequestFigures`): the
        counts grouped by the database, and only the durations sent back row by row."""
        created, responded = col(Request.created_at), col(Request.first_response_at)
        closed, due = col(Request.closed_at), col(Request.due_at)
        kind, state = col(Request.kind), col(Request.state)
        is_closed = and_(state == "closed", closed.is_not(None))
        # The period's rows first, then grouped: left to itself, SQLite reads the whole table in
        # the (kind, state) index's order to save sorting a month (0.25 s against 0.05 s on a
        # million requests). Both databases take MATERIALIZED (SQLite 3.35, PostgreSQL 12).
        filed = (
            sa_select(
                kind,
                state,
                (responded <= due).label("in_time"),
                and_(is_closed, closed <= due).label("closed_in_time"),
            )
            .where(created >= since)
            .cte("filed")
            .prefix_with("MATERIALIZED")
        )
        f = filed.c
        counts = sa_select(
            f.kind,
            f.state,
            func.count(),
            func.count().filter(f.in_time),
            func.count().filter(f.closed_in_time),
        ).group_by(f.kind, f.state)
        by_kind_state, responded_in_time, closed_in_time = {}, 0, 0
        for k, s, n, in_time, closed_early in await self._rows(counts):
            by_kind_state[(k, s)] = int(n)
            responded_in_time += int(in_time)
            closed_in_time += int(closed_early)
        response = sa_select(self._micros(responded, created)).where(
            created >= since, responded.is_not(None)
        )
        close = sa_select(self._micros(closed, created)).where(created >= since, is_closed)
        return RequestFigures(
            by_kind_state,
            [row[0] for row in await self._rows(response)],
            [row[0] for row in await self._rows(close)],
            responded_in_time,
            closed_in_time,
        )

    async def _rows(self, query: Any) -> Sequence[Any]:
        # Core rows through the session's connection: no ORM loading per row.
        connection = await self._session.connection()
        return (await connection.execute(query)).all()

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
