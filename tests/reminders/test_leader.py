"""One scheduler at a time on PostgreSQL (an advisory lock), any on SQLite (one process)."""

from __future__ import annotations

import random

from scheduler.leader import Leadership
from storage.uow import Database


async def test_one_leader_at_a_time(database: Database, backend: str) -> None:
    key = random.randint(1, 2**40)  # tests may share one PostgreSQL server
    first, second = Leadership(database, key=key), Leadership(database, key=key)
    assert await first.hold()
    if backend == "sqlite":
        assert await second.hold()  # SQLite means one process: nothing to elect
        return
    assert not await second.hold()
    assert await first.hold()  # keeps it
    await first.release()
    assert await second.hold()
    assert not await first.hold()
    await second.release()


async def test_a_dead_leaders_lock_is_freed(database: Database, backend: str) -> None:
    if backend == "sqlite":
        return
    key = random.randint(1, 2**40)
    first, second = Leadership(database, key=key), Leadership(database, key=key)
    assert await first.hold()
    assert first._lock._connection is not None
    await first._lock._connection.invalidate()  # the process died: its connection is gone
    first._lock._connection = None
    assert await second.hold()
    await second.release()
