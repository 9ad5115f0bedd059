"""Follow-up programmes at scale: 100,000 patients, 10,000 of them in a diabetes programme's
segment (and consenting), the rest spread over other tags, ages, exclusions; on SQLite, then on
PostgreSQL when reachable (a database of its own, dropped afterwards). Prints how long the
preview takes (the bar: under 1 s), planning the cycle (under 5 s) and the first tick that
queues every first message in the outbox's programme lane. The delivery of those messages by
the real bot is `bench.programme_delivery`.

    python -m bench.programmes [--patients 100000] [--eligible 10000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from flows.programmes import running, sending
from flows.programmes.model import Answer, EveryMonths, Programme, Segment, Step
from flows.programmes.segment import preview
from flows.reply import Outgoing
from flows.settings import Settings
from storage import migrate
from storage.repositories.programmes import DueStep
from storage.tables import Patient, PatientTag, PreventionConsent
from storage.uow import Database

CHUNK = 5_000
NOW = datetime(2026, 10, 6, 8, 0, tzinfo=UTC)  # a Tuesday morning in Rome
PROGRAMME = Programme(
    id="diabetes",
    title="programme.diabetes.title",
    segment=Segment(tags_any=("diabete",), min_age=18),
    recurrence=EveryMonths(6),
    steps=tuple(
        Step(day, f"programme.diabetes.step{i}", tuple(Answer)) for i, day in enumerate((0, 7, 14))
    ),
    reason="programme.diabetes.reason",
)
OTHER_TAGS = ("ipertensione", "BPCO", "fragile", "gravidanza")


def compose(due: DueStep, step: Step) -> Outgoing:
    return Outgoing(chat_id=due.telegram_id, text=f"{step.text} {due.first_name or ''}")


async def populate(database: Database, patients: int, eligible: int) -> None:
    """`eligible` consenting diabetics; the rest other tags, or diabetics left out for a
    reason (no consent, unreachable, erased) so the preview has exclusions to count."""
    rng = random.Random(15)
    people: list[dict[str, Any]] = []
    tags: list[dict[str, Any]] = []
    consents: list[dict[str, Any]] = []
    excluded = eligible // 5
    for index in range(1, patients + 1):
        born = date(1930 + rng.randrange(70), rng.randrange(1, 13), rng.randrange(1, 29))
        person = {"id": index, "telegram_id": 10_000_000 + index, "first_name": "Paziente",
                  "birth_date": born, "registered_at": NOW, "consent_at": NOW,
                  "consent_version": "1", "verification": "verified", "language": "it",
                  "reachable": True, "created_at": NOW, "erased_at": None}  # fmt: skip
        if index <= eligible + excluded:
            tags.append({"patient_id": index, "tag": "diabete", "created_at": NOW})
            out = index > eligible
            if out and index % 3 == 0:
                person["reachable"] = False
            elif out and index % 3 == 1:
                person["erased_at"] = NOW
            if not (out and index % 3 == 2):
                consents.append({"patient_id": index, "consent_version": "1",
                                 "consent_at": NOW})  # fmt: skip
        else:
            tags.append({"patient_id": index, "tag": rng.choice(OTHER_TAGS), "created_at": NOW})
            if rng.random() < 0.5:
                consents.append({"patient_id": index, "consent_version": "1",
                                 "consent_at": NOW})  # fmt: skip
        people.append(person)
    async with database.engine.begin() as connection:
        for table, rows in ((Patient, people), (PatientTag, tags), (PreventionConsent, consents)):
            for start in range(0, len(rows), CHUNK):
                await connection.execute(insert(table), rows[start : start + CHUNK])
    if database.engine.dialect.name == "postgresql":
        async with database.engine.connect() as connection:
            # What autovacuum would have done by the time a practice has 100,000 patients.
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("ANALYZE"))


POSTGRES = os.environ.get(
    "FRONTDESK_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


async def run(patients: int, eligible: int, postgres: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        await measure("SQLite", f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}", patients,
                      eligible)  # fmt: skip
    try:
        import asyncpg  # type: ignore[import-untyped]

        plain = postgres.replace("postgresql+asyncpg://", "postgresql://", 1)
        admin = await asyncio.wait_for(asyncpg.connect(plain), 5)
    except Exception as exc:
        print(f"PostgreSQL: skipped, not reachable at {postgres} ({type(exc).__name__})")
        return
    name = f"bench_programmes_{os.getpid()}"
    try:
        await admin.execute(f"CREATE DATABASE {name}")
        await measure("PostgreSQL", postgres.rsplit("/", 1)[0] + f"/{name}", patients, eligible)
    finally:
        with contextlib.suppress(Exception):
            await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


async def measure(backend: str, url: str, patients: int, eligible: int) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url="sqlite+aiosqlite:///unused.db",
        quiet_hours="21:00-08:00",
    )
    database = Database(url)
    try:
        await migrate.upgrade(database.engine)
        began = time.perf_counter()
        await populate(database, patients, eligible)
        print(f"{backend}: {patients:,} patients written in {time.perf_counter() - began:.1f} s")

        began = time.perf_counter()
        async with database.uow() as uow:
            seen = await preview(uow, PROGRAMME, now=NOW, tz=settings.tz)
        took = time.perf_counter() - began
        excluded = ", ".join(f"{k} {v:,}" for k, v in seen.excluded.items() if v)
        print(f"  preview: {seen.invite:,} would be invited of {seen.eligible:,} in the segment "
              f"({excluded}) in {took:.3f} s (bar: < 1 s)")  # fmt: skip

        began = time.perf_counter()
        async with database.uow() as uow:
            planned = await running.start(uow, PROGRAMME, now=NOW, tz=settings.tz)
            await uow.commit()
        took = time.perf_counter() - began
        assert planned is not None
        print(f"  planning the cycle: {planned.enrolled:,} enrolled in {took:.3f} s (bar: < 5 s)")

        began = time.perf_counter()
        queued = 0
        while True:
            async with database.uow() as uow:
                done = await sending.tick(uow, [PROGRAMME], now=NOW, settings=settings,
                                          compose=compose, limit=2_000)  # fmt: skip
                await uow.commit()
            queued += done.queued
            if not done.queued:
                break
        took = time.perf_counter() - began
        print(f"  first messages queued in the programme lane: {queued:,} in {took:.3f} s")
    finally:
        await database.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.programmes", description=__doc__)
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--eligible", type=int, default=10_000)
    parser.add_argument("--postgres", default=POSTGRES, help="a server to make a database on")
    arguments = parser.parse_args(argv)
    asyncio.run(run(arguments.patients, arguments.eligible, arguments.postgres))
    return 0


if __name__ == "__main__":
    main()
