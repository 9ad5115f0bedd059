"""Migrations from empty to head and back, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import storage.tables  # noqa: F401
from storage import migrate
from storage.uow import Database


async def table_names(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))


async def test_upgrade_from_empty_creates_every_table(empty_database: Database) -> None:
    assert await migrate.current_revision(empty_database.engine) is None
    await migrate.upgrade(empty_database.engine)
    assert await migrate.current_revision(empty_database.engine) == migrate.head_revision()
    tables = await table_names(empty_database.engine)
    assert set(SQLModel.metadata.tables) <= tables


async def test_downgrade_to_base_and_up_again(empty_database: Database) -> None:
    await migrate.upgrade(empty_database.engine)
    await migrate.downgrade(empty_database.engine, "base")
    assert await table_names(empty_database.engine) <= {"alembic_version"}
    assert await migrate.current_revision(empty_database.engine) is None
    await migrate.upgrade(empty_database.engine)
    assert set(SQLModel.metadata.tables) <= await table_names(empty_database.engine)


async def test_models_and_migrations_agree(database: Database) -> None:
    """Autogenerate finds nothing to do: every model change has its migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    def diff(connection: object) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})  # type: ignore[arg-type]
        return list(compare_metadata(context, SQLModel.metadata))

    async with database.engine.connect() as connection:
        assert await connection.run_sync(diff) == []


def test_the_cheap_head_is_alembics() -> None:
    assert migrate.head_revision() == migrate.alembic_head_revision()


async def test_the_cheap_current_revision_is_alembics(empty_database: Database) -> None:
    from alembic.runtime.migration import MigrationContext

    def alembics(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    for revision in ("0001", "head"):
        await migrate.upgrade(empty_database.engine, revision)
        async with empty_database.engine.connect() as connection:
            expected = await connection.run_sync(alembics)
        assert await migrate.current_revision(empty_database.engine) == expected


async def test_upgrade_if_behind_runs_alembic_only_when_behind(empty_database: Database) -> None:
    assert await migrate.upgrade_if_behind(empty_database.engine) is True
    assert await migrate.current_revision(empty_database.engine) == migrate.head_revision()
    assert await migrate.upgrade_if_behind(empty_database.engine) is False
