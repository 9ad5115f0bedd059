"""SQLite driven from the event loop's own thread, behind SQLAlchemy's aiosqlite dialect.

aiosqlite runs every call in a helper thread: a statement costs four thread round trips
(cursor, execute, fetch, close), and under load each one waits for the busy event loop to come
back. The front desk holds SQLite's single write lock for a whole turn, so that waiting was what
limited throughput. A local SQLite statement takes microseconds, far less than one round trip, so
here the same calls run directly. Units of work are already queued one at a time in the loop
(`storage.uow.WriterGate`), so no call blocks on the in-process lock; another process holding the
write lock (the CLI) blocks the loop for at most `BUSY_TIMEOUT_SECONDS`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from types import TracebackType
from typing import Any

BUSY_TIMEOUT_SECONDS = 5.0


class Cursor:
    """The awaitable cursor API that SQLAlchemy's aiosqlite adapter calls."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> Cursor:
        self._cursor.execute(sql, () if parameters is None else parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> Cursor:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def nextset(self) -> None:
        return None

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class Connection:
    """The awaitable connection API that SQLAlchemy's aiosqlite adapter calls."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection: sqlite3.Connection | None = connection

    def _live(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("no active connection")
        return self._connection

    def cursor(self) -> Cursor:
        return Cursor(self._live().cursor())

    def dbapi(self) -> sqlite3.Connection:
        """The sqlite3 connection itself, for statements run without SQLAlchemy's adapter
        (`storage.prepared`); it is in whatever transaction SQLAlchemy began."""
        return self._live()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> Cursor:
        return await self.cursor().execute(sql, parameters)

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._live().create_function(*args, **kwargs)

    async def commit(self) -> None:
        self._live().commit()

    async def rollback(self) -> None:
        self._live().rollback()

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    @property
    def isolation_level(self) -> str | None:
        return self._live().isolation_level


def creator(path: str) -> Any:
    """An `async_creator` for `create_async_engine`: connections in autocommit mode, so that
    SQLAlchemy's BEGIN (made IMMEDIATE by storage.engine) is the only transaction control."""

    async def connect() -> Connection:
        connection = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
        return Connection(connection)

    return connect
