"""The unit of work commits whole or not at all, and SQLite takes concurrent writers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from storage.tables import Request, RequestEvent
from storage.uow import Database
from tests import clocks
from tests.factories import make_patient


async def count_rows(database: Database, table: type) -> int:
    async with database.uow() as uow:
        return (await uow.session.exec(select(func.count()).select_from(table))).one()


async def test_commit_writes_request_and_event_together(database: Database) -> None:
    patient = await make_patient(database)
    async with database.uow() as uow:
        request = await uow.requests.add(
            request=Request(kind="question", patient_id=patient.id, due_at=clocks.now())
        )
        await uow.requests.add_event(
            event=RequestEvent(
                request_id=request.id, actor_kind="patient", action="submit", to_state="new"
            )
        )
        await uow.commit()
    assert await count_rows(database, Request) == 1
    assert await count_rows(database, RequestEvent) == 1


async def test_nothing_is_written_without_commit_or_on_error(database: Database) -> None:
    patient = await make_patient(database)
    async with database.uow() as uow:
        await uow.requests.add(
            request=Request(kind="question", patient_id=patient.id, due_at=clocks.now())
        )
    with pytest.raises(RuntimeError):
        async with database.uow() as uow:
            request = await uow.requests.add(
                request=Request(kind="question", patient_id=patient.id, due_at=clocks.now())
            )
            await uow.requests.add_event(
                event=RequestEvent(request_id=request.id, actor_kind="patient", action="submit")
            )
            raise RuntimeError("crash between the request and its commit")
    assert await count_rows(database, Request) == 0
    assert await count_rows(database, RequestEvent) == 0


async def test_after_commit_runs_only_once_committed(database: Database) -> None:
    ran: list[str] = []
    async with database.uow() as uow:
        uow.after_commit(lambda: ran.append("rolled back"))
    async with database.uow() as uow:
        uow.after_commit(lambda: ran.append("committed"))
        assert ran == []
        await uow.commit()
        await uow.commit()  # once, not at every commit
    assert ran == ["committed"]


async def test_timestamps_round_trip_as_aware_utc(database: Database) -> None:
    patient = await make_patient(database)
    rome = datetime(2026, 3, 29, 8, 0, tzinfo=UTC) + timedelta(hours=5)
    async with database.uow() as uow:
        request = await uow.requests.add(
            request=Request(kind="visit", patient_id=patient.id, due_at=rome)
        )
        await uow.commit()
    async with database.uow() as uow:
        stored = await uow.requests.get(request_id=request.id)
    assert stored is not None
    assert stored.due_at == rome
    assert stored.due_at.tzinfo is not None


async def test_naive_timestamps_are_refused(database: Database) -> None:
    patient = await make_patient(database)
    with pytest.raises(Exception, match="naive datetime"):
        async with database.uow() as uow:
            await uow.requests.add(
                request=Request(kind="visit", patient_id=patient.id, due_at=datetime(2026, 1, 1))
            )


async def test_fifty_concurrent_writers(database: Database) -> None:
    """Fifty patients filing at once: every request and its event lands, none is 'locked'."""
    patient = await make_patient(database)

    async def file_one(i: int) -> None:
        async with database.uow() as uow:
            request = await uow.requests.add(
                request=Request(
                    kind="question",
                    patient_id=patient.id,
                    answers={"n": i},
                    due_at=clocks.now(),
                )
            )
            await asyncio.sleep(0)  # let the others interleave inside open transactions
            await uow.requests.add_event(
                event=RequestEvent(request_id=request.id, actor_kind="patient", action="submit")
            )
            await uow.commit()

    await asyncio.gather(*(file_one(i) for i in range(50)))
    assert await count_rows(database, Request) == 50
    assert await count_rows(database, RequestEvent) == 50
