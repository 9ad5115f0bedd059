"""`/inbox` on 100,000 requests: database time of the queries the inbox runs, on SQLite and
(when reachable) PostgreSQL. Bar: under 50 ms per inbox render.

    python -m bench.inbox [--requests 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from sqlalchemy import insert

from flows.lifecycle import OPEN_STATES
from storage import migrate
from storage.tables import Patient, Request, Staff
from storage.uow import Database

POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
KINDS = ("prescription", "certificate", "reports", "question", "visit")
# Most requests of a practice are long closed; a few hundred are open at any time.
STATES = (
    ("closed", 0.86), ("rejected", 0.02), ("cancelled", 0.02), ("expired", 0.01),
    ("new", 0.03), ("in_progress", 0.025), ("waiting_patient", 0.01), ("snoozed", 0.005),
    ("ready", 0.02),
)  # fmt: skip


async def fill(database: Database, count: int) -> None:
    rng = random.Random(7)
    now = datetime.now(UTC)
    async with database.engine.begin() as connection:
        await connection.execute(
            insert(Staff),
            [{"telegram_id": 10 + i, "name": f"Staff {i}", "role": "doctor", "active": True,
              "on_duty": True, "created_at": now, "updated_at": now} for i in range(3)],
        )  # fmt: skip
        await connection.execute(
            insert(Patient),
            [{"telegram_id": 1000 + i, "first_name": "N", "last_name": f"P{i}",
              "verification": "verified", "language": "it", "reachable": True,
              "created_at": now} for i in range(1500)],
        )  # fmt: skip
        names, weights = zip(*STATES, strict=True)
        batch = []
        for _ in range(count):
            created = now - timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
            batch.append(
                {
                    "kind": rng.choice(KINDS),
                    "state": rng.choices(names, weights)[0],
                    "patient_id": rng.randint(1, 1500),
                    "answers": {"_lines": []},
                    "assignee_id": rng.choice((None, 1, 2, 3)),
                    "staff_urgent": False,
                    "unverified": False,
                    "created_at": created,
                    "due_at": created + timedelta(days=2),
                    "version": 1,
                }
            )
            if len(batch) == 5000:
                await connection.execute(insert(Request), batch)
                batch = []
        if batch:
            await connection.execute(insert(Request), batch)
    # A running practice's tables are vacuumed and analysed by the database itself.
    async with database.engine.connect() as connection:
        if database.engine.dialect.name == "postgresql":
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.exec_driver_sql("VACUUM ANALYZE requests")
        else:
            await connection.exec_driver_sql("ANALYZE")


async def inbox_once(database: Database, *, kind: str | None, mine: int | None, page: int) -> float:
    """The queries one inbox render makes, timed together (milliseconds)."""
    states = [s.value for s in OPEN_STATES]
    started = time.perf_counter()
    async with database.uow() as uow:
        await uow.requests.counts_by_state(states=states)
        await uow.requests.count_inbox(states=states, kind=kind, assignee_id=mine)
        rows = await uow.requests.inbox(
            states=states, kind=kind, assignee_id=mine, limit=8, offset=page * 8
        )
        await uow.patients.by_ids(ids=[r.patient_id for r in rows])
    return (time.perf_counter() - started) * 1000


async def measure(label: str, database: Database, count: int) -> None:
    await migrate.upgrade(database.engine)
    started = time.perf_counter()
    await fill(database, count)
    print(f"{label}: filled {count:,} requests in {time.perf_counter() - started:.1f} s")
    cases = {
        "first page": {"kind": None, "mine": None, "page": 0},
        "page 20": {"kind": None, "mine": None, "page": 20},
        "kind=prescription": {"kind": "prescription", "mine": None, "page": 0},
        "assigned to me": {"kind": None, "mine": 2, "page": 0},
    }
    for name, case in cases.items():
        for _ in range(5):
            await inbox_once(database, **case)  # type: ignore[arg-type]
        times = [await inbox_once(database, **case) for _ in range(50)]  # type: ignore[arg-type]
        p95 = sorted(times)[int(0.95 * len(times)) - 1]
        verdict = "ok" if p95 < 50 else "OVER the 50 ms bar"
        print(
            f"  {label} inbox {name:<18} median {statistics.median(times):6.2f} ms"
            f"  p95 {p95:6.2f} ms  max {max(times):6.2f} ms  ({verdict})"
        )


async def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
        try:
            await measure("SQLite", database, count)
        finally:
            await database.dispose()
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    try:
        connection = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/test", timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        print(f"PostgreSQL: skipped ({exc})")
        return
    await connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        database = Database(POSTGRES, search_path=schema)
        try:
            await measure("PostgreSQL", database, count)
        finally:
            await database.dispose()
    finally:
        await connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await connection.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100_000)
    asyncio.run(main(parser.parse_args().requests))
