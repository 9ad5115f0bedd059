"""Engine and session factory for SQLite (embedded default) and PostgreSQL, from one URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from storage import sqlite_inloop

SQLITE_BUSY_TIMEOUT_MS = int(sqlite_inloop.BUSY_TIMEOUT_SECONDS * 1000)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for in-memory databases."""
    if not is_sqlite(url):
        return None
    path = url.split(":///", 1)[1] if ":///" in url else ""
    path = path.split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    return Path(path)


def create_engine(url: str, *, search_path: str | None = None, echo: bool = False) -> AsyncEngine:
    """Build the async engine; nothing is created at import time.

    SQLite gets WAL, foreign keys, a busy timeout and BEGIN IMMEDIATE transactions so that
    concurrent writers queue up instead of failing with "database is locked".
    `search_path` confines a PostgreSQL connection to one schema (tests use it for isolation).
    """
    kwargs: dict[str, Any] = {"echo": echo}
    if is_sqlite(url):
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        kwargs["async_creator"] = sqlite_inloop.creator(str(path) if path else ":memory:")
    else:
        kwargs["pool_pre_ping"] = True
        if search_path:
            kwargs["connect_args"] = {"server_settings": {"search_path": search_path}}
    engine = create_async_engine(url, **kwargs)
    if is_sqlite(url):
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        # The connection is in autocommit mode (sqlite_inloop): SQLAlchemy's BEGIN, made
        # IMMEDIATE below, decides when transactions start.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Take the write lock up front: a deferred transaction that upgrades to a writer later
        # fails at once with SQLITE_BUSY instead of waiting for the busy timeout.
        conn.exec_driver_sql("BEGIN IMMEDIATE")
