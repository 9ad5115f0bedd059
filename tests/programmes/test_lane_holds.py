"""The outbox's programme lane on SQLite and PostgreSQL: a paused or stopped programme's waiting
messages are held back and go out once it runs again, each once; withdrawn consent cancels a
patient's; a claim left by a dispatcher killed before sending comes back, and a delivered
message is never queued or claimed again."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from sqlmodel import func, select

from flows.privacy.consent import withdraw_consent
from flows.programmes import running, sending
from scheduler.sweep import recover
from storage.repositories.outbox import OutboxRepository
from storage.tables import Contact, OutboundMessage
from storage.uow import Database
from tests.programmes.helpers import SETTINGS, TUESDAY, TZ, compose, diabetes, make_patient

LEASE = timedelta(minutes=5)
LATER = TUESDAY + timedelta(minutes=1)


async def count(database: Database, table: type, **where: Any) -> int:
    query = select(func.count()).select_from(table)
    for name, value in where.items():
        query = query.where(getattr(table, name) == value)
    async with database.uow() as uow:
        return int((await uow.session.exec(query)).one())


async def queued(database: Database, patients: int) -> None:
    """`patients` diabetics, the programme started and its first messages in the lane."""
    for _ in range(patients):
        await make_patient(database)
    async with database.uow() as uow:
        await running.start(uow, diabetes(), now=TUESDAY, tz=TZ)
        await sending.tick(uow, [diabetes()], now=TUESDAY, settings=SETTINGS, compose=compose)
        await uow.commit()


async def tick(database: Database, now: Any) -> int:
    async with database.uow() as uow:
        done = await sending.tick(uow, [diabetes()], now=now, settings=SETTINGS, compose=compose)
        await uow.commit()
    return done.queued


async def claim(database: Database, worker: str = "w", now: Any = LATER) -> list[OutboundMessage]:
    async with database.uow() as uow:
        rows = list(await uow.programmes.claim_lane(now=now, worker=worker, lease=LEASE, limit=100))
        await uow.commit()
    return rows


async def set_status(database: Database, status: str) -> None:
    async with database.uow() as uow:
        await running.set_status(uow, "diabetes", status)
        await uow.commit()


async def test_pausing_holds_waiting_messages_and_resuming_sends_each_once(
    database: Database,
) -> None:
    await queued(database, 3)
    await set_status(database, "paused")
    async with database.uow() as uow:
        assert await uow.programmes.lane_waiting(now=LATER) == 0
    assert await claim(database) == []
    assert await tick(database, LATER) == 0

    await set_status(database, "running")
    assert await tick(database, LATER) == 0  # nothing queued twice on resuming
    rows = await claim(database)
    assert len(rows) == 3
    assert await claim(database) == []
    assert await count(database, Contact) == 3
    assert await count(database, OutboundMessage) == 3


async def test_stopping_holds_waiting_messages(database: Database) -> None:
    await queued(database, 2)
    await set_status(database, "stopped")
    assert await claim(database) == []
    assert await tick(database, TUESDAY + timedelta(days=30)) == 0
    assert await count(database, OutboundMessage, status="pending") == 2


async def test_withdrawing_consent_cancels_waiting_programme_messages(
    sqlite_database: Database,
) -> None:
    database = sqlite_database
    await queued(database, 2)
    async with database.uow() as uow:
        (first, _second) = sorted(
            (await uow.session.exec(select(Contact))).all(), key=lambda c: c.patient_id
        )
        patient = await uow.patients.get(patient_id=first.patient_id)
        assert patient is not None
        await withdraw_consent(uow, patient, now=LATER)
        await uow.commit()
    assert await count(database, OutboundMessage, status="cancelled") == 1
    rows = await claim(database)
    assert [row.id for row in rows] != [first.outbox_id]
    assert len(rows) == 1
    # The next step (past the weekly cap) goes to the other patient alone.
    assert await tick(database, TUESDAY + timedelta(days=8)) == 1


async def test_a_claim_killed_before_sending_comes_back_and_a_sent_one_never_does(
    database: Database,
) -> None:
    await queued(database, 2)
    dead = await claim(database, worker="dead")
    assert len(dead) == 2
    async with database.uow() as uow:
        # The dead worker had started sending one of the two when it was killed.
        assert await OutboxRepository(uow.session).start_sending(
            row_id=dead[0].id or 0, worker="dead"
        )
        await uow.commit()
    desk = SimpleNamespace(database=database)
    assert await recover(desk, LATER, "alive", leading=True) == 2  # type: ignore[arg-type]

    (back,) = await claim(database, worker="alive")
    assert back.id == dead[1].id  # the one only claimed is handed out again
    async with database.uow() as uow:
        row = await uow.outbox.get(row_id=back.id or 0)
        assert row is not None
        row.status, row.sent_at = "sent", LATER
        await uow.outbox.save(row=row)
        await uow.commit()
    assert await count(database, OutboundMessage, status="uncertain") == 1

    # A restart: the tick and the claims again, nothing is queued or handed out twice.
    assert await recover(desk, LATER, "restarted", leading=True) == 0  # type: ignore[arg-type]
    assert await tick(database, LATER + timedelta(minutes=1)) == 0
    assert await claim(database, worker="restarted", now=LATER + timedelta(minutes=1)) == []
    assert await count(database, Contact) == 2
    assert await count(database, OutboundMessage) == 2
