"""A PostgreSQL session advisory lock, held on a connection of its own for as long as it lives.

If the process holding it dies the connection drops and the lock is freed with it, so the
next one to try takes it (see `scheduler.leader`, the only user).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

_TRY = text("SELECT pg_try_advisory_lock(:key)")
_UNLOCK = text("SELECT pg_advisory_unlock(:key)")
_PING = text("SELECT 1")


class SessionLock:
    def __init__(self, engine: AsyncEngine, *, key: int) -> None:
        self.engine = engine
        self.key = key
        self._connection: AsyncConnection | None = None

    @property
    def held(self) -> bool:
        return self._connection is not None

    async def check(self) -> None:
        """Raises when the connection, and the lock with it, is gone."""
        assert self._connection is not None
        await self._connection.execute(_PING)

    async def try_take(self) -> bool:
        """Take the lock on a new connection, kept while it is held; False if someone has it."""
        connection = await self.engine.connect()
        try:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            taken = bool((await connection.execute(_TRY, {"key": self.key})).scalar())
        except Exception:
            await connection.close()
            raise
        if not taken:
            await connection.close()
            return False
        self._connection = connection
        return True

    async def unlock(self) -> None:
        """Give the lock back (the connection stays open until `close`)."""
        if self._connection is not None:
            await self._connection.execute(_UNLOCK, {"key": self.key})

    async def close(self) -> None:
        """Drop the connection, and the lock if it is still held."""
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()
