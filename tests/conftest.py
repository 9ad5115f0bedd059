"""Shared fixtures: a migrated database per test, on SQLite and (when reachable) PostgreSQL, and
each test's moment (tests/clocks.py: FRONTDESK_CLOCK, else the system clock)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from storage import migrate
from storage.uow import Database
from tests import clocks

POSTGRES_URL = os.environ.get(
    "FRONTDESK_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
_postgres_problem: str | None = None
_postgres_checked = False


def _asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def postgres_unavailable() -> str | None:
    """Why PostgreSQL cannot be used, or None; asked once per test session."""
    global _postgres_checked, _postgres_problem
    if not _postgres_checked:
        _postgres_checked = True
        try:
            connection = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL), timeout=3)
            await connection.close()
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
            _postgres_problem = f"PostgreSQL not reachable at {POSTGRES_URL}: {exc}"
    return _postgres_problem


async def require_postgres() -> None:
    problem = await postgres_unavailable()
    if problem is None:
        return
    if os.environ.get("FRONTDESK_REQUIRE_POSTGRES") == "1":
        pytest.fail(problem + " (FRONTDESK_REQUIRE_POSTGRES=1: CI must run these)")
    pytest.skip(problem)


class PostgresSchema:
    """A throwaway schema on the shared test database, dropped afterwards."""

    def __init__(self) -> None:
        self.name = f"t_{uuid.uuid4().hex[:16]}"

    async def create(self) -> None:
        connection = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL))
        try:
            await connection.execute(f'CREATE SCHEMA "{self.name}"')
        finally:
            await connection.close()

    async def drop(self) -> None:
        connection = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL))
        try:
            await connection.execute(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE')
        finally:
            await connection.close()


@pytest.fixture(autouse=True)
def _moment() -> None:
    """Every test starts at FRONTDESK_CLOCK's instant, alone or late in a long run."""
    clocks.restart()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def empty_database(backend: str, tmp_path: Path) -> AsyncIterator[Database]:
    """A database with no schema yet, on the parametrized backend."""
    if backend == "sqlite":
        database = Database(f"sqlite+aiosqlite:///{tmp_path / 'frontdesk.db'}")
        yield database
        await database.dispose()
        return
    await require_postgres()
    schema = PostgresSchema()
    await schema.create()
    database = Database(POSTGRES_URL, search_path=schema.name)
    try:
        yield database
    finally:
        await database.dispose()
        await schema.drop()


@pytest.fixture
async def database(empty_database: Database) -> Database:
    """A migrated database, on the parametrized backend."""
    await migrate.upgrade(empty_database.engine)
    return empty_database


@pytest.fixture
async def sqlite_database(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'frontdesk.db'}")
    await migrate.upgrade(database.engine)
    yield database
    await database.dispose()
