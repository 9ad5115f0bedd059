"""The KPI board on a small, scripted practice, on SQLite and PostgreSQL: values over windows,
calendar series, the "< 5" rule and "—" where nothing was counted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from flows.kpis.board import FEW, NOTHING, Board, board
from flows.kpis.catalogue import Status, Unit
from flows.settings import Settings
from storage.tables import Appointment, Enrolment, Patient, Reminder, Request
from storage.uow import Database

NOW = datetime(2026, 12, 7, 8, 30, tzinfo=UTC)  # a Monday, 09:30 in Rome


async def _patients(database: Database, n: int) -> list[int]:
    async with database.uow() as uow:
        ids = []
        for index in range(n):
            patient = await uow.patients.add(patient=Patient(telegram_id=5_000 + index))
            assert patient.id is not None
            ids.append(patient.id)
        await uow.commit()
    return ids


async def _request(
    database: Database, patient: int, *, filed: datetime, hours: float | None
) -> None:
    """A request answered and closed `hours` after filing; with None, still new."""
    done = None if hours is None else filed + timedelta(hours=hours)
    async with database.uow() as uow:
        await uow.requests.add(
            request=Request(
                kind="prescription",
                state="new" if done is None else "closed",
                patient_id=patient,
                created_at=filed,
                due_at=filed + timedelta(hours=48),
                first_response_at=done,
                closed_at=done,
            )
        )
        await uow.commit()


async def _board(database: Database) -> Board:
    async with database.uow() as uow:
        return await board(uow, Settings(timezone="Europe/Rome"), NOW)


def _line(result: Board, kpi_id: str):  # type: ignore[no-untyped-def]
    return next(line for line in result.lines if line.kpi.id == kpi_id)


async def test_an_empty_practice_renders_dashes(database: Database) -> None:
    result = await _board(database)
    assert len(result.lines) == 15
    for line in result.lines:
        assert line.current.text(line.kpi.unit) == NOTHING
        assert line.status is None
    first = _line(result, "first_response_in_time")
    assert [p.label for p in first.weekly][-2:] == ["2026-W49", "2026-W50"]
    assert [p.label for p in first.monthly][-1] == "2026-12"
    assert len(first.monthly) == 12


async def test_values_status_and_the_fewer_than_five_rule(database: Database) -> None:
    patients = await _patients(database, 6)
    # Three patients in the week of 23 November, three in the week of 30 November: no week
    # reaches five patients, the month does.
    for index, patient in enumerate(patients):
        filed = NOW - timedelta(days=10 if index < 3 else 3)
        await _request(database, patient, filed=filed, hours=72 if index == 0 else 2)
    async with database.uow() as uow:
        for patient in patients[:3]:
            await uow.reminders.save(
                reminder=Reminder(
                    kind="therapy_dose",
                    idempotency_key=f"dose-{patient}",
                    patient_id=patient,
                    due_at=NOW - timedelta(days=2),
                    status="answered",
                    answer="taken",
                    sent_at=NOW - timedelta(days=2),
                )
            )
        await uow.commit()
    result = await _board(database)
    in_time = _line(result, "first_response_in_time")
    assert in_time.current.value == pytest.approx(500 / 6)
    assert in_time.current.text(in_time.kpi.unit) == "83%"
    assert in_time.status is Status.AT_RISK
    weeks = {p.label: p.figure for p in in_time.weekly}
    assert weeks["2026-W48"].text(in_time.kpi.unit) == FEW
    assert weeks["2026-W49"].text(in_time.kpi.unit) == FEW
    assert weeks["2026-W50"].text(in_time.kpi.unit) == NOTHING
    months = {p.label: p.figure for p in in_time.monthly}
    assert months["2026-11"].hidden
    assert months["2026-12"].hidden
    median = _line(result, "first_response_median")
    assert median.current.text(median.kpi.unit) == FEW  # weekly: 3 patients in the last 7 days
    close = _line(result, "time_to_close_median")
    assert close.current.value == pytest.approx(2.125)  # the 2-hour bin's middle
    assert close.status is Status.ON_TRACK
    doses = _line(result, "doses_confirmed")
    assert doses.current.text(doses.kpi.unit) == FEW
    assert doses.status is None
    assert _line(result, "no_show").current.text(doses.kpi.unit) == NOTHING
    backlog = _line(result, "backlog_age")
    assert backlog.current.value is None
    assert not backlog.current.hidden


async def test_trend_against_the_window_before(database: Database) -> None:
    patients = await _patients(database, 10)
    for patient in patients[:5]:
        await _request(database, patient, filed=NOW - timedelta(days=40), hours=72)
    for patient in patients[5:]:
        await _request(database, patient, filed=NOW - timedelta(days=5), hours=1)
    line = _line(await _board(database), "first_response_in_time")
    assert line.current.value == 100
    assert line.previous.value == 0
    assert line.trend == 100
    assert line.status is Status.ON_TRACK


async def _requests_and_visits(database: Database) -> None:
    """Seven patients' requests over two months, and their appointments, each reminded twice."""
    patients = await _patients(database, 7)
    for index, patient in enumerate(patients):
        filed = NOW - timedelta(days=2 + 9 * index)
        await _request(database, patient, filed=filed, hours=1 + 20 * index)
    async with database.uow() as uow:
        for index, patient in enumerate(patients):
            appointment = Appointment(patient_id=patient, starts_at=NOW + timedelta(days=index))
            await uow.appointments.save(appointment=appointment)
            await uow.session.flush()  # the reminders need its id
            for copy in range(2):  # two reminders, one appointment
                due = NOW - timedelta(days=1 + 4 * index, hours=copy)
                await uow.reminders.save(
                    reminder=Reminder(
                        kind="appointment",
                        idempotency_key=f"visit-{patient}-{copy}",
                        patient_id=patient,
                        appointment_id=appointment.id,
                        due_at=due,
                        status="answered",
                        answer="confirmed" if index % 3 else "cancelled",
                        sent_at=due,
                    )
                )
        await uow.commit()


async def test_the_card_board_has_the_full_boards_windows(database: Database) -> None:
    """Without the series (what the card draws) each line keeps its values, status and trend;
    appointment reminders included, whose distinct appointments are counted apart."""
    await _requests_and_visits(database)
    settings = Settings(timezone="Europe/Rome")
    async with database.uow() as uow:
        full = await board(uow, settings, NOW)
        card = await board(uow, settings, NOW, series=False)
    assert _line(full, "appointments_confirmed").current.known is not None
    for whole, windows in zip(full.lines, card.lines, strict=True):
        assert windows.weekly == windows.monthly == ()
        assert (windows.kpi, windows.current, windows.previous, windows.status) == (
            whole.kpi,
            whole.current,
            whole.previous,
            whole.status,
        )
        assert windows.trend == whole.trend


async def test_side_by_side_readers_count_what_the_session_counts(database: Database) -> None:
    """Where the database offers connections of their own (storage.readers), the aggregates
    run there at once; on the unit of work's session alone the board is the same."""
    await _requests_and_visits(database)
    settings = Settings(timezone="Europe/Rome")
    async with database.uow() as uow:
        assert uow.kpis.side_by_side
        beside = await board(uow, settings, NOW)
    readers, database.readers = database.readers, None
    try:
        async with database.uow() as uow:
            assert not uow.kpis.side_by_side
            alone = await board(uow, settings, NOW)
    finally:
        database.readers = readers
    assert beside == alone
    assert _line(beside, "appointments_confirmed").current.known is not None


async def test_histograms_count_each_duration_in_its_quarter_hour(database: Database) -> None:
    """SQLite's histograms come back as one text per segment (no sort), PostgreSQL's grouped:
    the same bins either way."""
    patients = await _patients(database, 6)
    hours = [0.3, 1.1, 2.6, 2.6, 30.2, 0.05]
    for patient, taken in zip(patients, hours, strict=True):
        await _request(database, patient, filed=NOW - timedelta(days=3), hours=taken)
    bounds = [NOW - timedelta(days=7), NOW - timedelta(days=1), NOW]
    async with database.uow() as uow:
        response = await uow.kpis.first_response_hours(bounds=bounds)
        close = await uow.kpis.close_hours(bounds=bounds)
    assert response == close == {0: {1: 1, 4: 1, 10: 2, 120: 1, 0: 1}}


def test_in_memory_sqlite_has_no_second_connection() -> None:
    database = Database("sqlite+aiosqlite://")
    assert database.readers is None


@pytest.mark.parametrize(("patients", "shown"), [(4, False), (5, True)])
async def test_the_backlog_shows_from_five_patients(
    database: Database, patients: int, shown: bool
) -> None:
    ids = await _patients(database, patients)
    for index, patient in enumerate(ids):
        for copy in range(2):  # two open requests each: rows are not patients
            filed = NOW - timedelta(days=3 + index, hours=copy)
            await _request(database, patient, filed=filed, hours=None)
    backlog = _line(await _board(database), "backlog_age")
    if shown:
        assert backlog.current.value == pytest.approx(3 + patients - 1 + 1 / 24)
    else:
        assert backlog.current.hidden


async def test_each_programme_has_its_own_booked_and_reviewed_lines(database: Database) -> None:
    """The report's board: the programme KPIs over every programme, then one line each for
    the declared programmes (their titles, in their order), then any other by id; a programme
    with fewer than 5 patients shows "< 5". The card's board has the totals only."""
    patients = await _patients(database, 8)
    invited = NOW - timedelta(days=10)
    async with database.uow() as uow:
        for index, patient in enumerate(patients):
            programme = "diabetes" if index < 6 else "flu"
            booked = index in (0, 1, 6)
            await uow.programmes.save_enrolment(
                enrolment=Enrolment(
                    patient_id=patient,
                    programme_id=programme,
                    cycle=1,
                    state="booked" if booked else "invited",
                    planned_at=invited,
                    invited_at=invited,
                    booked_at=invited + timedelta(days=1) if booked else None,
                    done_at=invited + timedelta(days=2) if booked else None,
                )
            )
        await uow.commit()
    settings = Settings(timezone="Europe/Rome")
    async with database.uow() as uow:
        full = await board(uow, settings, NOW, programmes={"flu": "Influenza", "x": "X"})
        card = await board(uow, settings, NOW, series=False)
    keys = [line.kpi.key for line in full.lines]
    at = keys.index("programme_booked")
    assert keys[at : at + 3] == [
        "programme_booked",
        "programme_booked.flu",
        "programme_booked.diabetes",
    ]
    assert "programme_reviewed.diabetes" in keys
    lines = {line.kpi.key: line for line in full.lines}
    assert lines["programme_booked"].current.value == pytest.approx(300 / 8)
    assert lines["programme_booked.diabetes"].current.value == pytest.approx(200 / 6)
    assert lines["programme_booked.diabetes"].programme_title == "diabetes"
    assert lines["programme_booked.flu"].programme_title == "Influenza"
    assert lines["programme_booked.flu"].current.text(Unit.PERCENT) == FEW
    assert lines["programme_booked.flu"].kpi.target == lines["programme_booked"].kpi.target
    assert lines["programme_reviewed.diabetes"].current.value == pytest.approx(200 / 6)
    assert not any(line.kpi.programme for line in card.lines)
