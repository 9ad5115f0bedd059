"""The full report (/stats's figures and every KPI with its series) on 1,000,000 requests,
100,000 patients and 1,000,000 reminders over a year, on SQLite and PostgreSQL (skipped, with
the reason, when unreachable). The bar: under 2 s each. Seeding is bulk (executemany; COPY on
PostgreSQL) and is not timed.

    python -m bench kpis [--requests 1000000] [--patients 100000] [--reminders 1000000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from flows.kpi_report import to_csv
from flows.kpis.board import board
from flows.kpis.report import to_csv as kpi_csv
from flows.settings import Settings
from flows.stats import compute
from storage import migrate
from storage.tables import Patient, Reminder, Request
from storage.uow import Database

NOW = datetime(2026, 12, 7, 8, 30, tzinfo=UTC)
YEAR = 365 * 86400
CHUNK = 20_000
PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
SCHEMA = "bench_kpis"


def _rows(args: argparse.Namespace) -> tuple[list[dict[str, Any]], ...]:
    rng = random.Random(16)
    patients = [
        {"id": i, "telegram_id": 20_000_000 + i, "verification": "verified", "language": "it",
         "created_at": NOW}
        for i in range(1, args.patients + 1)
    ]  # fmt: skip
    requests = []
    states = ("closed",) * 8 + ("new", "in_progress", "cancelled")
    for i in range(1, args.requests + 1):
        filed = NOW - timedelta(seconds=rng.randrange(YEAR))
        state = rng.choice(states)
        answered = filed + timedelta(hours=rng.expovariate(1 / 20)) if state != "new" else None
        requests.append({
            "id": i, "kind": "prescription", "state": state,
            "patient_id": rng.randrange(1, args.patients + 1), "answers": {},
            "staff_urgent": False, "unverified": False, "created_at": filed,
            "first_response_at": answered if answered is None or answered < NOW else None,
            "closed_at": answered if state == "closed" and answered and answered < NOW else None,
            "due_at": filed + timedelta(hours=48), "version": 1,
        })  # fmt: skip
    reminders = []
    for i in range(1, args.reminders + 1):
        due = NOW - timedelta(seconds=rng.randrange(YEAR))
        status = rng.choice(("answered", "answered", "answered", "missed", "sent"))
        reminders.append({
            "id": i, "kind": "therapy_dose", "idempotency_key": f"bench-{i}",
            "patient_id": rng.randrange(1, args.patients + 1), "due_at": due,
            "status": status, "answer": "taken" if status == "answered" else None,
            "sent_at": due if rng.random() < 0.97 else None, "created_at": due, "payload": {},
        })  # fmt: skip
    return patients, requests, reminders


async def _seed(database: Database, tables: tuple[list[dict[str, Any]], ...]) -> None:
    async with database.engine.begin() as connection:
        for model, rows in zip((Patient, Request, Reminder), tables, strict=True):
            for start in range(0, len(rows), CHUNK):
                await connection.execute(insert(model), rows[start : start + CHUNK])  # type: ignore[arg-type]
        if database.engine.dialect.name == "postgresql":
            await connection.execute(text("ANALYZE"))


async def _report(database: Database, settings: Settings) -> tuple[float, str]:
    started = time.perf_counter()
    async with database.uow() as uow:
        stats = await compute(uow, now=NOW, days=30)
        goals = await board(uow, settings, NOW)
    catalog_free = to_csv(stats) + kpi_csv(goals, lambda key, **_: key)
    return time.perf_counter() - started, catalog_free


async def _measure(name: str, database: Database, tables: Any, settings: Settings) -> None:
    await migrate.upgrade(database.engine)
    started = time.perf_counter()
    await _seed(database, tables)
    print(f"{name}: seeded in {time.perf_counter() - started:.1f} s", flush=True)
    for attempt in ("cold", "warm"):
        elapsed, csv = await _report(database, settings)
        verdict = "ok" if elapsed < 2 else "OVER the 2 s bar"
        print(f"{name}: full report ({attempt}) {elapsed:.2f} s, {csv.count(chr(10))} CSV lines"
              f" — {verdict}", flush=True)  # fmt: skip


async def _postgres(tables: Any, settings: Settings) -> None:
    try:
        import asyncpg  # type: ignore[import-untyped]

        connection = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/test", timeout=3)
    except Exception as exc:  # any failure to connect: skip, and say why
        print(f"postgresql: skipped ({type(exc).__name__}: {exc})")
        return
    await connection.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}")
    database = Database(PG_URL, search_path=SCHEMA)
    try:
        await _measure("postgresql", database, tables, settings)
    finally:
        await database.dispose()
        await connection.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        await connection.close()


async def main(args: argparse.Namespace) -> None:
    settings = Settings(timezone="Europe/Rome")
    started = time.perf_counter()
    tables = _rows(args)
    took = time.perf_counter() - started
    print(f"generated {args.requests:,} requests, {args.patients:,} patients, "
          f"{args.reminders:,} reminders in {took:.1f} s", flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
        try:
            await _measure("sqlite", database, tables, settings)
        finally:
            await database.dispose()
    await _postgres(tables, settings)


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench kpis", description=__doc__)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--reminders", type=int, default=1_000_000)
    asyncio.run(main(parser.parse_args(argv)))
    return 0
