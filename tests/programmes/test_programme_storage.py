"""Programme storage on SQLite and PostgreSQL: the preview's reasons, enrolling and sending each
step once (also with two workers at once), and the outbox's programme lane."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from flows.programmes import running, sending
from flows.programmes.segment import preview
from storage.repositories.outbox import OutboxRepository
from storage.tables import Contact, OutboundMessage
from storage.uow import Database
from tests.programmes.helpers import SETTINGS, TUESDAY, TZ, compose, diabetes, make_patient


async def count(database: Database, table: type) -> int:
    from sqlmodel import func, select

    async with database.uow() as uow:
        return int((await uow.session.exec(select(func.count()).select_from(table))).one())


async def test_preview_tells_each_exclusion_apart(database: Database) -> None:
    programme = diabetes()
    invited = await make_patient(database)
    await make_patient(database, consent=False)
    await make_patient(database, reachable=False)
    await make_patient(database, erased_at=TUESDAY)
    await make_patient(database, tags=("ipertensione",))  # not in the segment
    left = await make_patient(database)
    done = await make_patient(database)
    capped = await make_patient(database)
    async with database.uow() as uow:
        assert left.id and done.id and capped.id and invited.id
        await uow.programmes.opt_out(
            patient_id=left.id, programme_id="diabetes", now=TUESDAY, enrolment_id=None
        )
        await uow.programmes.add_completion(
            patient_id=done.id, programme_id="diabetes", done_on=date(2026, 8, 1),
            source="staff", now=TUESDAY,
        )  # fmt: skip
        await uow.commit()
    # Another programme wrote to `capped` two days ago.
    other = diabetes(id="other")
    async with database.uow() as uow:
        await uow.programmes.set_programme_status(programme_id="other", status="running")
        await uow.programmes.opt_out(
            patient_id=invited.id, programme_id="other", now=TUESDAY, enrolment_id=None
        )
        for patient_id in (left.id, done.id):
            await uow.programmes.opt_out(
                patient_id=patient_id, programme_id="other", now=TUESDAY, enrolment_id=None
            )
        await uow.commit()
    earlier = TUESDAY - timedelta(days=2)
    async with database.uow() as uow:
        await running.plan_cycle(uow, other, now=earlier, tz=TZ)
        await sending.queue_due(uow, other, now=earlier, settings=SETTINGS, compose=compose)
        await uow.commit()

    async with database.uow() as uow:
        seen = await preview(uow, programme, now=TUESDAY, tz=TZ)
    assert seen.invite == 1
    assert seen.excluded["no_consent"] == 1
    assert seen.excluded["unreachable"] == 1
    assert seen.excluded["erased"] == 1
    assert seen.excluded["opted_out"] == 1
    assert seen.excluded["done_recently"] == 1
    assert seen.excluded["capped"] == 1
    assert seen.eligible == 7


async def test_each_step_is_queued_once_even_when_run_twice(database: Database) -> None:
    programme = diabetes()
    for _ in range(3):
        await make_patient(database)
    async with database.uow() as uow:
        await running.start(uow, programme, now=TUESDAY, tz=TZ)
        await uow.commit()
    async with database.uow() as uow:
        assert (await running.plan_cycle(uow, programme, now=TUESDAY, tz=TZ)) is not None
        again = await uow.programmes.segment_counts(
            query=running.segment_query(programme, cycle=1, now=TUESDAY, tz=TZ)
        )
        await uow.commit()
    assert again == {"enrolled": 3}
    for _ in range(2):
        async with database.uow() as uow:
            await sending.tick(uow, [programme], now=TUESDAY, settings=SETTINGS,
                               compose=compose)  # fmt: skip
            await uow.commit()
    assert await count(database, Contact) == 3
    assert await count(database, OutboundMessage) == 3


async def test_two_workers_at_once_send_each_step_once(database: Database) -> None:
    programme = diabetes()
    for _ in range(20):
        await make_patient(database)
    async with database.uow() as uow:
        await running.start(uow, programme, now=TUESDAY, tz=TZ)
        await uow.commit()

    async def worker() -> int:
        async with database.uow() as uow:
            done = await sending.queue_due(uow, programme, now=TUESDAY, settings=SETTINGS,
                                           compose=compose)  # fmt: skip
            await uow.commit()
        return done

    results = await asyncio.gather(worker(), worker(), worker())
    assert sum(results) == 20
    assert await count(database, Contact) == 20
    assert await count(database, OutboundMessage) == 20


async def test_programme_messages_wait_in_their_own_lane(database: Database) -> None:
    programme = diabetes()
    await make_patient(database)
    async with database.uow() as uow:
        await running.start(uow, programme, now=TUESDAY, tz=TZ)
        await sending.tick(uow, [programme], now=TUESDAY, settings=SETTINGS, compose=compose)
        await uow.commit()
    later = TUESDAY + timedelta(minutes=1)
    async with database.uow() as uow:
        ordinary = await OutboxRepository(uow.session).claim(
            now=later, worker="w", lease=timedelta(minutes=5), limit=10, night=False
        )
        assert ordinary == []
        assert await uow.programmes.lane_waiting(now=later) == 1
        lane = await uow.programmes.claim_lane(
            now=later, worker="w", lease=timedelta(minutes=5), limit=10
        )
        await uow.commit()
    assert [row.kind for row in lane] == ["programme"]
    assert lane[0].status == "claimed"
