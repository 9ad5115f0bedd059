"""Statements that run on every update, compiled once and run straight on SQLite's connection.

SQLAlchemy spends about ten times longer around a statement than SQLite spends running it
(building the execution context, the async adapter's greenlet switches, wrapping the result), and
a turn runs several. For the few statements of every turn, `Prepared` lets SQLAlchemy compile
the SQL and supply each column type's own conversions once; on SQLite the statement then runs
on the unit of work's DBAPI connection, inside the same transaction. Other databases get the
ordinary `AsyncConnection.execute`, so both paths write and read exactly what SQLAlchemy would.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement, Executable
from sqlalchemy.types import TypeEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.sqlite_inloop import Connection as InLoopConnection

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class Ran:
    rowcount: int
    rows: list[tuple[Any, ...]]


class Link:
    """A unit of work's connection, asked of the session once per transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._connection: AsyncConnection | None = None
        self._sqlite: sqlite3.Connection | None = None

    async def connection(self) -> AsyncConnection:
        if self._connection is None:
            self._connection = await self._session.connection()
        return self._connection

    async def dialect(self) -> str:
        return (await self.connection()).dialect.name

    async def sqlite(self) -> sqlite3.Connection | None:
        """The DBAPI connection of our in-loop SQLite driver, None on any other database."""
        if self._sqlite is None:
            connection = await self.connection()
            if connection.dialect.name != "sqlite":
                return None
            driver = (await connection.get_raw_connection()).driver_connection
            if not isinstance(driver, InLoopConnection):
                return None
            self._sqlite = driver.dbapi()
        return self._sqlite

    def forget(self) -> None:
        """After a commit: the next statement begins a new transaction through the session."""
        self._connection = None
        self._sqlite = None


@dataclass(frozen=True, slots=True)
class _Plan:
    sql: str
    # Per positional parameter: the caller's key (or None for a value fixed in the statement),
    # the fixed value, and the column type's conversion.
    binds: tuple[tuple[str | None, Any, Processor], ...]
    results: tuple[Processor, ...]

    def parameters(self, params: Mapping[str, Any]) -> list[Any]:
        values = []
        for key, fixed, convert in self.binds:
            value = params[key] if key is not None else fixed
            values.append(convert(value) if convert is not None else value)
        return values

    def row(self, raw: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(
            convert(value) if convert is not None else value
            for value, convert in zip(raw, self.results, strict=True)
        )


class Prepared:
    """`statement` with bound parameters; `result_types` are the types of the selected columns
    (empty for statements that return nothing); `keys` the columns an insert is given."""

    def __init__(
        self,
        statement: Executable,
        *,
        result_types: Sequence[TypeEngine[Any]] = (),
        keys: Sequence[str] | None = None,
    ) -> None:
        self.statement = statement
        self._result_types = tuple(result_types)
        self._keys = list(keys) if keys is not None else None
        self._plan: _Plan | None = None

    async def run(self, link: Link, params: Mapping[str, Any]) -> Ran:
        sqlite = await link.sqlite()
        if sqlite is None:
            result = await (await link.connection()).execute(self.statement, dict(params))
            rows = [tuple(row) for row in result] if result.returns_rows else []
            return Ran(result.rowcount, rows)
        plan = self._plan or self._compile((await link.connection()).dialect)
        cursor = sqlite.execute(plan.sql, plan.parameters(params))
        try:
            rows = [plan.row(raw) for raw in cursor.fetchall()] if self._result_types else []
            return Ran(cursor.rowcount, rows)
        finally:
            cursor.close()

    def _compile(self, dialect: Dialect) -> _Plan:
        statement = cast(ClauseElement, self.statement)
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect, column_keys=self._keys))
        binds: list[tuple[str | None, Any, Processor]] = []
        for name in compiled.positiontup or ():
            bind = compiled.binds[name]
            convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if bind.required:
                binds.append((bind.key, None, convert))
            else:
                binds.append((None, bind.value, convert))
        results = tuple(
            kind.dialect_impl(dialect).result_processor(dialect, None)
            for kind in self._result_types
        )
        self._plan = _Plan(compiled.string, tuple(binds), results)
        return self._plan
