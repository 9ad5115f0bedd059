"""Read-only connections beside the unit of work's, for the few aggregates of a report that may
run side by side.

A year of KPIs is a handful of independent scans of a million rows each; one after the other on
the unit of work's connection they took 1.5 s on SQLite (which this house drives from the event
loop's own thread) and 1.1 s on PostgreSQL. On separate connections they run at once: on SQLite
each in a worker thread with its own connection (sqlite3 lets go of the GIL while a statement
runs), on PostgreSQL on the engine's pooled connections. `python -m bench kpis` prints the
difference.

What a reader sees is what is committed: never the unit of work's own pending writes. The
in-memory SQLite database has no second connection to offer, so there `Readers` is not built
and the repositories fall back to their session.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.sql.expression import Executable

from storage import sqlite_inloop
from storage.engine import sqlite_path

# Statements at once: the machines this runs on have two to four cores, and the bot's own
# connections must find the pool free.
AT_ONCE = 3


class Readers:
    """Runs read-only statements on connections of their own, up to AT_ONCE at a time."""

    def __init__(self, engine: AsyncEngine, *, sqlite_file: Path | None = None) -> None:
        self._engine = engine
        self._sqlite_file = sqlite_file
        self._sync: Engine | None = None
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    @classmethod
    def of(cls, url: str, engine: AsyncEngine) -> Readers | None:
        """Readers for the database at `url`; None for in-memory SQLite."""
        if engine.dialect.name != "sqlite":
            return cls(engine)
        path = sqlite_path(url)
        return None if path is None else cls(engine, sqlite_file=path)

    def _slot(self) -> asyncio.Semaphore:
        # One per event loop: a command-line tool may run several loops over one Database.
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:
            self._slots = (loop, asyncio.Semaphore(AT_ONCE))
        return self._slots[1]

    async def rows(self, statement: Executable) -> Sequence[Any]:
        async with self._slot():
            if self._sqlite_file is not None:
                return await asyncio.to_thread(self._sqlite_rows, statement)
            async with self._engine.connect() as connection:
                return (await connection.execute(statement)).all()

    def _sqlite_rows(self, statement: Executable) -> Sequence[Any]:
        with self._sqlite().connect() as connection:
            return connection.execute(statement).all()

    def _sqlite(self) -> Engine:
        if self._sync is None:
            self._sync = _read_only_sqlite(self._sqlite_file)
        return self._sync

    async def dispose(self) -> None:
        if self._sync is not None:
            self._sync.dispose()
            self._sync = None


def _read_only_sqlite(path: Path | None) -> Engine:
    engine = create_sync_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA query_only=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(sqlite_inloop.BUSY_TIMEOUT_SECONDS * 1000)}")
        cursor.close()

    return engine
