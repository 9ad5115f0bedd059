"""Follow-up programmes at scale: 100,000 patients in SQLite, 10,000 of them in a diabetes
programme's segment (and consenting), the rest spread over other tags, ages, exclusions. Prints
how long the preview takes (the bar: under 1 s), planning the cycle (under 5 s) and the first
tick that queues every first message in the outbox's programme lane.

    python -m bench.programmes [--patients 100000] [--eligible 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert

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


async def run(patients: int, eligible: int) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url="sqlite+aiosqlite:///unused.db",
        quiet_hours="21:00-08:00",
    )
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
        await migrate.upgrade(database.engine)
        began = time.perf_counter()
        await populate(database, patients, eligible)
        print(f"{patients:,} patients written in {time.perf_counter() - began:.1f} s")

        began = time.perf_counter()
        async with database.uow() as uow:
            seen = await preview(uow, PROGRAMME, now=NOW, tz=settings.tz)
        took = time.perf_counter() - began
        excluded = ", ".join(f"{k} {v:,}" for k, v in seen.excluded.items() if v)
        print(f"preview: {seen.invite:,} would be invited of {seen.eligible:,} in the segment "
              f"({excluded}) in {took:.3f} s (bar: < 1 s)")  # fmt: skip

        began = time.perf_counter()
        async with database.uow() as uow:
            planned = await running.start(uow, PROGRAMME, now=NOW, tz=settings.tz)
            await uow.commit()
        took = time.perf_counter() - began
        assert planned is not None
        print(f"planning the cycle: {planned.enrolled:,} enrolled in {took:.3f} s (bar: < 5 s)")

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
        print(f"first messages queued in the programme lane: {queued:,} in {took:.3f} s")
        await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--eligible", type=int, default=10_000)
    arguments = parser.parse_args()
    asyncio.run(run(arguments.patients, arguments.eligible))


if __name__ == "__main__":
    main()
