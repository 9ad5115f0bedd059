"""Satisfaction answers on SQLite and PostgreSQL: the per-touchpoint aggregates the KPIs read,
the caps' look-ups, and what the planner asks for."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.tables import Appointment, SatisfactionAnswer
from storage.uow import Database
from tests import clocks
from tests.factories import make_patient, make_request


async def _answer(database: Database, **fields: object) -> SatisfactionAnswer:
    async with database.uow() as uow:
        row = SatisfactionAnswer(**fields)  # type: ignore[arg-type]
        await uow.satisfaction.add(answer=row)
        await uow.commit()
    return row


async def test_aggregates_per_touchpoint_in_a_window(database: Database) -> None:
    now = clocks.now()
    one, two, three = [await make_patient(database) for _ in range(3)]
    asked = now - timedelta(days=1)
    for patient, touchpoint, answer in (
        (one, "prescription", "very_good"),
        (two, "prescription", "good"),
        (three, "prescription", "poor"),
        (three, "prescription", "dont_know"),
        (one, "visit", "neither"),
        (two, "visit", None),  # asked, never answered
    ):
        await _answer(
            database,
            patient_id=patient.id,
            touchpoint=touchpoint,
            answer=answer,
            asked_at=asked,
            answered_at=asked if answer else None,
        )
    await _answer(
        database,
        patient_id=one.id,
        touchpoint="visit",
        answer="good",
        recommend=10,
        asked_at=now - timedelta(days=40),
        answered_at=now - timedelta(days=40),
    )
    await _answer(
        database,
        patient_id=two.id,
        touchpoint="prescription",
        answer="good",
        recommend=9,
        asked_at=asked,
        answered_at=asked,
    )
    await _answer(
        database,
        patient_id=three.id,
        touchpoint="prescription",
        answer="good",
        recommend=3,
        asked_at=asked,
        answered_at=asked,
    )
    async with database.uow() as uow:
        figures = await uow.satisfaction.by_touchpoint(since=now - timedelta(days=30), until=now)
        total = await uow.satisfaction.overall(since=now - timedelta(days=30), until=now)
    assert set(figures) == {"prescription", "visit"}
    rx = figures["prescription"]
    assert rx.counts == {
        "very_good": 1,
        "good": 3,
        "neither": 0,
        "poor": 1,
        "very_poor": 0,
        "dont_know": 1,
    }
    assert (rx.asked, rx.answered, rx.rated, rx.patients) == (6, 6, 5, 3)
    assert rx.good_share == pytest.approx(4 / 5)
    assert rx.nps == pytest.approx(0.0)  # one promoter, one detractor
    visit = figures["visit"]
    assert (visit.asked, visit.answered, visit.patients) == (2, 1, 1)
    assert visit.good_share == 0.0
    assert visit.nps is None  # the 10 was asked 40 days ago, outside the window
    assert (total.asked, total.answered, total.patients) == (8, 7, 3)


async def test_empty_window_says_nothing(database: Database) -> None:
    now = clocks.now()
    async with database.uow() as uow:
        assert await uow.satisfaction.by_touchpoint(since=now - timedelta(days=7), until=now) == {}
        total = await uow.satisfaction.overall(since=now - timedelta(days=7), until=now)
    assert (total.answered, total.patients, total.good_share, total.nps) == (0, 0, None, None)


async def test_caps_and_request_lookups(database: Database) -> None:
    now = clocks.now()
    patient = await make_patient(database)
    request = await make_request(database, patient=patient, state="closed")
    async with database.uow() as uow:
        assert await uow.satisfaction.last_asked(patient_id=patient.id) is None
        assert await uow.satisfaction.of_request(request_id=request.id) is None
    await _answer(
        database,
        patient_id=patient.id,
        touchpoint="prescription",
        request_id=request.id,
        asked_at=now - timedelta(days=3),
    )
    row = await _answer(
        database,
        patient_id=patient.id,
        touchpoint="prescription",
        request_id=request.id,
        asked_at=now - timedelta(days=1),
        answer="good",
        answered_at=now,
        comment="Gentili",
        recommend_asked_at=now,
    )
    async with database.uow() as uow:
        assert await uow.satisfaction.last_asked(patient_id=patient.id) == now - timedelta(days=1)
        assert await uow.satisfaction.last_asked_to_recommend(patient_id=patient.id) == now
        found = await uow.satisfaction.of_request(request_id=request.id)
    assert found is not None
    assert (found.id, found.comment) == (row.id, "Gentili")


async def test_planner_lookups_skip_what_is_planned(database: Database) -> None:
    now = clocks.now()
    patient = await make_patient(database)
    request = await make_request(database, patient=patient, state="closed")
    async with database.uow() as uow:
        stored = await uow.requests.get(request_id=request.id)
        assert stored is not None
        stored.closed_at = now - timedelta(hours=1)
        visit = Appointment(
            patient_id=patient.id,
            starts_at=now - timedelta(hours=3),
            status="attended",
            marked_at=now - timedelta(hours=2),
        )
        await uow.appointments.propose(appointment=visit)
        await uow.commit()
    since = now - timedelta(hours=48)
    async with database.uow() as uow:
        assert [r.id for r in await uow.satisfaction.closed_requests_to_ask(since=since)] == [
            request.id
        ]
        assert [v.id for v in await uow.satisfaction.attended_visits_to_ask(since=since)] == [
            visit.id
        ]
        assert await uow.satisfaction.closed_requests_to_ask(since=now) == []
