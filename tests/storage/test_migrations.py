"""Migrations from empty to head and back, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect
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
