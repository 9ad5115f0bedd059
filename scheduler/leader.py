"""One scheduler at a time: several bot workers may run, one of them plans and dispatches.

On PostgreSQL the leader holds a session advisory lock on a connection of its own; if it dies
the connection drops, the lock is freed and another worker takes over at its next tick. SQLite
means one process anyway. Row claims (FOR UPDATE SKIP LOCKED) keep even two leaders that overlap
for a moment from sending anything twice. See docs/reminders.md.
"""

from __future__ import annotations

import logging

from storage.advisory import SessionLock
from storage.engine import is_sqlite
from storage.uow import Database

log = logging.getLogger(__name__)

LOCK_KEY = 5_104_161_105  # "frontdesk scheduler", any constant shared by every worker


class Leadership:
    def __init__(self, database: Database, *, key: int = LOCK_KEY) -> None:
        self.database = database
        self.key = key
        self._lock = SessionLock(database.engine, key=key)

    @property
    def held(self) -> bool:
        return is_sqlite(self.database.url) or self._lock.held

    async def hold(self) -> bool:
        """True while this worker leads: keeps the lock, or tries to take it."""
        if is_sqlite(self.database.url):
            return True
        if self._lock.held:
            try:
                await self._lock.check()
                return True
            except Exception as exc:  # the connection is gone, and the lock with it
                log.warning("scheduler lead lost: %s", type(exc).__name__)
                await self._close()
        if not await self._lock.try_take():
            return False
        log.info("this worker now runs the scheduler")
        return True

    async def release(self) -> None:
        if not self._lock.held:
            return
        try:
            await self._lock.unlock()
        except Exception as exc:
            log.warning("scheduler lead not released cleanly: %s", type(exc).__name__)
        await self._close()

    async def _close(self) -> None:
        try:
            await self._lock.close()
        except Exception as exc:
            log.info("lead connection closed with %s", type(exc).__name__)
