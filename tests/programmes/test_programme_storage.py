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
    await make_patient(database)  # capped: another programme wrote to them
    async with database.uow() as uow:
        assert left.id is not None
        assert done.id is not None
        assert invited.id is not None
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


async def test_deliveries_and_appointments_reach_the_funnel(database: Database) -> None:
    from flows.programmes import answers
    from flows.programmes.funnel import funnel
    from storage.tables import Appointment
    from tests.factories import make_request

    programme = diabetes()
    patient = await make_patient(database)
    assert patient.id is not None
    async with database.uow() as uow:
        await running.start(uow, programme, now=TUESDAY, tz=TZ)
        await sending.tick(uow, [programme], now=TUESDAY, settings=SETTINGS, compose=compose)
        await uow.commit()
    later = TUESDAY + timedelta(minutes=5)
    async with database.uow() as uow:
        (row,) = await uow.programmes.claim_lane(
            now=later, worker="w", lease=timedelta(minutes=5), limit=10
        )
        row.status, row.sent_at = "sent", later
        await OutboxRepository(uow.session).save(row=row)
        enrolment = await uow.programmes.enrolment_of(
            patient_id=patient.id, programme_id="diabetes", cycle=1
        )
        assert enrolment is not None
        assert enrolment.id is not None
        await answers.book(uow, programme, enrolment_id=enrolment.id, patient_id=patient.id,
                           now=later)  # fmt: skip
        await uow.commit()
    request = await make_request(database, patient=patient, kind="visit")
    visit_at = TUESDAY + timedelta(days=10)
    async with database.uow() as uow:
        await answers.link_request(uow, enrolment_id=enrolment.id, request_id=request.id,
                                   now=later)  # fmt: skip
        visit = Appointment(patient_id=patient.id, request_id=request.id, starts_at=visit_at,
                            status="attended", marked_at=visit_at)  # fmt: skip
        uow.session.add(visit)
        await uow.commit()
    async with database.uow() as uow:
        await sending.tick(uow, [programme], now=visit_at, settings=SETTINGS, compose=compose)
        await uow.commit()
    async with database.uow() as uow:
        seen = await funnel(uow, "diabetes", 1)
    counts = seen.counts
    assert [counts[s] for s in ("eligible", "invited", "delivered", "answered", "booked",
                                "attended")] == [1, 1, 1, 1, 1, 1]  # fmt: skip
    assert seen.conversion("attended") == 1.0
    assert seen.messages[0].conversion == 1.0
    assert seen.median_days_to_appointment == 10.0
