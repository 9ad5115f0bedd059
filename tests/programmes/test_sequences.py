"""A programme's sequence over time with an injected clock: steps spaced by their offsets and the
weekly cap, never in quiet hours, stopped by the first answer, non-responders after the last
step's wait; the answers, the staff calls and the funnel."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from flows.clock import FixedClock
from flows.programmes import answers, running, sending
from flows.programmes.funnel import funnel
from flows.programmes.model import Segment, Sex
from flows.programmes.segment import preview
from storage.uow import Database
from tests.factories import make_request
from tests.programmes.helpers import SETTINGS, TUESDAY, TZ, compose, diabetes, make_patient


async def tick(database: Database, clock: FixedClock, *programmes: object) -> sending.Ticked:
    chosen = list(programmes) or [diabetes()]
    async with database.uow() as uow:
        result = await sending.tick(uow, chosen, now=clock.now(), settings=SETTINGS,  # type: ignore[arg-type]
                                    compose=compose)  # fmt: skip
        await uow.commit()
    return result


async def started(database: Database, *patients: int, programme: object = None) -> None:
    async with database.uow() as uow:
        await running.start(uow, programme or diabetes(), now=TUESDAY, tz=TZ)  # type: ignore[arg-type]
        await uow.commit()


async def steps_sent(database: Database, enrolment_id: int) -> list[int]:
    from sqlmodel import col, select

    from storage.tables import Contact

    async with database.uow() as uow:
        query = select(Contact.step).where(Contact.enrolment_id == enrolment_id)
        return sorted((await uow.session.exec(query.order_by(col(Contact.step)))).all())


async def enrolment_of(database: Database, patient_id: int):  # type: ignore[no-untyped-def]
    async with database.uow() as uow:
        found = await uow.programmes.enrolment_of(
            patient_id=patient_id, programme_id="diabetes", cycle=1
        )
    assert found is not None
    return found


async def test_silent_patient_gets_every_step_spaced_by_the_cap_then_is_a_non_responder(
    sqlite_database: Database,
) -> None:
    patient = await make_patient(sqlite_database)
    await started(sqlite_database)
    clock = FixedClock(TUESDAY)
    assert (await tick(sqlite_database, clock)).queued == 1
    clock.advance(timedelta(days=3))  # step 1 is due, but the weekly cap holds it
    assert (await tick(sqlite_database, clock)).queued == 0
    clock.advance(timedelta(days=4, minutes=1))
    assert (await tick(sqlite_database, clock)).queued == 1
    clock.advance(timedelta(days=7, minutes=1))
    assert (await tick(sqlite_database, clock)).queued == 1
    enrolment = await enrolment_of(sqlite_database, patient.id)  # type: ignore[arg-type]
    assert await steps_sent(sqlite_database, enrolment.id) == [0, 1, 2]
    clock.advance(timedelta(days=6))
    assert (await tick(sqlite_database, clock)).non_responders == 0
    clock.advance(timedelta(days=1, minutes=1))
    assert (await tick(sqlite_database, clock)).non_responders == 1
    async with sqlite_database.uow() as uow:
        to_call = await uow.programmes.to_call(programme_id="diabetes")
    assert [e.patient_id for e in to_call] == [patient.id]


async def test_nothing_is_queued_in_quiet_hours(sqlite_database: Database) -> None:
    await make_patient(sqlite_database)
    await started(sqlite_database)
    night = FixedClock(TUESDAY.replace(hour=21))  # 23:00 in Rome
    assert (await tick(sqlite_database, night)).queued == 0
    night.advance(timedelta(hours=9))  # 08:00 the next morning
    assert (await tick(sqlite_database, night)).queued == 1


async def test_two_programmes_share_the_weekly_cap(sqlite_database: Database) -> None:
    await make_patient(sqlite_database, tags=("diabete", "ipertensione"))
    other = diabetes(id="hypertension", segment=Segment(tags_any=("ipertensione",)))
    await started(sqlite_database)
    await started(sqlite_database, programme=other)
    clock = FixedClock(TUESDAY)
    first = await tick(sqlite_database, clock, diabetes(), other)
    assert first.queued == 1
    clock.advance(timedelta(days=7, minutes=1))
    assert (await tick(sqlite_database, clock, diabetes(), other)).queued == 1


async def test_the_first_answer_stops_the_sequence_and_a_second_is_refused(
    sqlite_database: Database,
) -> None:
    patient = await make_patient(sqlite_database)
    stranger = await make_patient(sqlite_database)
    await started(sqlite_database)
    clock = FixedClock(TUESDAY)
    await tick(sqlite_database, clock)
    enrolment = await enrolment_of(sqlite_database, patient.id)  # type: ignore[arg-type]
    async with sqlite_database.uow() as uow:
        with pytest.raises(answers.AnswerRefused, match="not_yours"):
            await answers.book(uow, diabetes(), enrolment_id=enrolment.id,
                               patient_id=stranger.id, now=clock.now())  # type: ignore[arg-type]  # fmt: skip
        booking = await answers.book(uow, diabetes(), enrolment_id=enrolment.id,
                                     patient_id=patient.id, now=clock.now())  # type: ignore[arg-type]  # fmt: skip
        await uow.commit()
    assert booking.reason == "programme.diabetes.reason"
    request = await make_request(sqlite_database, patient=patient, kind="visit")
    async with sqlite_database.uow() as uow:
        await answers.link_request(uow, enrolment_id=enrolment.id, request_id=request.id,
                                   now=clock.now())  # type: ignore[arg-type]  # fmt: skip
        await uow.commit()
    assert (booking.programme_id, booking.cycle) == ("diabetes", 1)
    async with sqlite_database.uow() as uow:
        with pytest.raises(answers.AnswerRefused, match="answered"):
            await answers.not_interested(uow, diabetes(), enrolment_id=enrolment.id,
                                         patient_id=patient.id, now=clock.now())  # type: ignore[arg-type]  # fmt: skip
    for _ in range(3):
        clock.advance(timedelta(days=8))
        await tick(sqlite_database, clock)
    assert await steps_sent(sqlite_database, enrolment.id) == [0]
    assert (await enrolment_of(sqlite_database, patient.id)).state == "booked"  # type: ignore[arg-type]
    async with sqlite_database.uow() as uow:
        assert (await funnel(uow, "diabetes", 1)).counts["booked"] == 1


async def test_a_paused_programme_refuses_answers_and_sends_nothing(
    sqlite_database: Database,
) -> None:
    patient = await make_patient(sqlite_database)
    await started(sqlite_database)
    clock = FixedClock(TUESDAY)
    await tick(sqlite_database, clock)
    enrolment = await enrolment_of(sqlite_database, patient.id)  # type: ignore[arg-type]
    async with sqlite_database.uow() as uow:
        await running.set_status(uow, "diabetes", "paused")
        await uow.commit()
    clock.advance(timedelta(days=8))
    assert (await tick(sqlite_database, clock)).queued == 0
    async with sqlite_database.uow() as uow:
        with pytest.raises(answers.AnswerRefused, match="not_running"):
            await answers.remind_later(uow, diabetes(), enrolment_id=enrolment.id,
                                       patient_id=patient.id, until=clock.now(),
                                       now=clock.now())  # type: ignore[arg-type]  # fmt: skip


async def test_snooze_sends_one_reminder_then_waits_for_an_answer(
    sqlite_database: Database,
) -> None:
    patient = await make_patient(sqlite_database)
    await started(sqlite_database)
    clock = FixedClock(TUESDAY)
    await tick(sqlite_database, clock)
    enrolment = await enrolment_of(sqlite_database, patient.id)  # type: ignore[arg-type]
    async with sqlite_database.uow() as uow:
        await answers.remind_later(uow, diabetes(), enrolment_id=enrolment.id,
                                   patient_id=patient.id, until=clock.now() + timedelta(days=14),
                                   now=clock.now())  # type: ignore[arg-type]  # fmt: skip
        await uow.commit()
    clock.advance(timedelta(days=10))
    assert (await tick(sqlite_database, clock)).queued == 0
    clock.advance(timedelta(days=4, minutes=1))
    assert (await tick(sqlite_database, clock)).queued == 1
    assert await steps_sent(sqlite_database, enrolment.id) == [0, sending.SNOOZED + 1]
    clock.advance(timedelta(days=7, minutes=1))
    assert (await tick(sqlite_database, clock)).non_responders == 1


async def test_answers_calls_and_the_funnel_agree(sqlite_database: Database) -> None:
    booked, done, declined, silent = [await make_patient(sqlite_database) for _ in range(4)]
    await make_patient(sqlite_database, consent=False)
    await started(sqlite_database)
    clock = FixedClock(TUESDAY)
    await tick(sqlite_database, clock)
    ids = {}
    for patient in (booked, done, declined, silent):
        ids[patient.id] = (await enrolment_of(sqlite_database, patient.id)).id  # type: ignore[arg-type]
    async with sqlite_database.uow() as uow:
        now, programme = clock.now(), diabetes()
        await answers.book(uow, programme, enrolment_id=ids[booked.id], patient_id=booked.id,
                           now=now)  # type: ignore[arg-type]  # fmt: skip
        await answers.already_done(uow, programme, enrolment_id=ids[done.id],
                                   patient_id=done.id, now=now,
                                   done_on=answers.rough_date("months_1_3", now.date()))  # type: ignore[arg-type]  # fmt: skip
        await answers.not_interested(uow, programme, enrolment_id=ids[declined.id],
                                     patient_id=declined.id, now=now)  # type: ignore[arg-type]  # fmt: skip
        await uow.commit()
    for _ in range(4):
        clock.advance(timedelta(days=8))
        await tick(sqlite_database, clock)
    async with sqlite_database.uow() as uow:
        await answers.record_call(uow, enrolment_id=ids[silent.id], outcome="no_answer",
                                  staff_id=None, now=clock.now())  # fmt: skip
        still = [e.id for e in await uow.programmes.to_call(programme_id="diabetes")]
        seen = await funnel(uow, "diabetes", 1)
        left = await uow.programmes.programmes_left_by(patient_id=declined.id)  # type: ignore[arg-type]
        again = await preview(uow, diabetes(), now=clock.now(), tz=TZ)
    assert still == [ids[silent.id]]
    assert left == ["diabetes"]
    counts = seen.counts
    assert counts["eligible"] == 5
    assert (counts["invited"], counts["answered"], counts["already_done"]) == (4, 3, 1)
    assert (counts["declined"], counts["non_responders"]) == (1, 1)
    assert seen.conversion("answered") is None  # nothing delivered yet: no dispatcher here
    assert [m.step for m in seen.messages] == [0, 1, 2]
    assert seen.messages[0].sent == 4
    assert seen.messages[0].answered == 3
    assert again.excluded["opted_out"] == 1
    assert again.excluded["done_recently"] == 1


async def test_age_and_sex_come_from_birth_date_and_fiscal_code(
    sqlite_database: Database,
) -> None:
    await make_patient(sqlite_database, born=date(1950, 3, 1), fiscal_code="RSSMRA50C41H501X")
    await make_patient(sqlite_database, born=date(1950, 3, 1), fiscal_code="RSSMRA50C01H501X")
    await make_patient(sqlite_database, born=date(1990, 3, 1), fiscal_code="RSSMRA90CR1H501X")
    await make_patient(sqlite_database, born=date(1961, 10, 7), fiscal_code="RSSMRA61R47H501X")
    over_65_women = diabetes(segment=Segment(min_age=65, sex=Sex.F))
    young_women = diabetes(segment=Segment(max_age=40, sex=Sex.F))
    async with sqlite_database.uow() as uow:
        old = await preview(uow, over_65_women, now=TUESDAY, tz=TZ)
        young = await preview(uow, young_women, now=TUESDAY, tz=TZ)
    # 64 until tomorrow: not yet 65.
    assert old.eligible == 1
    assert young.eligible == 1  # an omocode day (R1 = 51) is a woman's
