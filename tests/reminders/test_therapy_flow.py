"""Setting up therapy reminders as a patient and as staff, and pausing, resuming, deleting."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta

from sqlmodel import select

from bot.bootstrap import App
from flows.clock import FixedClock
from storage.tables import Therapy
from tests.flows.harness import Person
from tests.reminders.fakes import FakePort, add_staff, advance, reminders

Registered = Callable[[int], Awaitable[Person]]


async def therapies(app: App) -> list[Therapy]:
    async with app.database.uow() as uow:
        return list((await uow.session.exec(select(Therapy).order_by(Therapy.id))).all())  # type: ignore[arg-type]


async def test_patient_sets_up_a_reminder_with_two_times(
    app: App, clock: FixedClock, port: FakePort, registered: Registered
) -> None:
    maria = await registered(1101)
    await maria.tap("Promemoria terapie")
    assert "Non ha ancora promemoria" in maria.last().text
    await maria.tap("Nuovo promemoria")
    await maria.text("Metformina")
    await maria.text("1 compressa")
    await maria.tap("08:00")
    assert "Orari: 08:00" in maria.last().text
    await maria.tap("Sì, un altro orario")
    await maria.text("25:00")
    assert "⚠️" in maria.last().text
    await maria.text("20.00")
    await maria.tap("No, basta così")
    await maria.tap("Lun")
    await maria.tap("Mer")
    await maria.tap("Ven")
    await maria.tap("Fatto")
    await maria.tap("Oggi")
    await maria.tap("Nessuna data di fine")
    await maria.text("30")
    await maria.text("12")
    summary = maria.last().text
    for expected in ("Orari: 08:00, 20:00", "Metformina", "1 compressa", "Lun, Mer, Ven"):
        assert expected in summary
    await maria.tap("Salva")
    assert "Promemoria salvato: Metformina 1 compressa alle 08:00, 20:00" in maria.last().text
    assert "Metformina 1 compressa — 08:00, 20:00 — Lun, Mer, Ven" in maria.last().text
    [therapy] = await therapies(app)
    assert (therapy.times, therapy.weekdays) == (["08:00", "20:00"], [1, 3, 5])
    assert therapy.end_date is None
    assert (therapy.pills_per_box, therapy.pills_left, therapy.added_by) == (30, 12, "patient")
    await app.scheduler.run_once()
    # Tuesday: none today; Wednesday 25th both times (planned a day ahead).
    assert [r.payload["day"] for r in await reminders(app, "therapy_dose")] == [
        "2026-11-25", "2026-11-25",
    ]  # fmt: skip


async def test_end_before_start_is_refused(
    app: App, port: FakePort, registered: Registered
) -> None:
    maria = await registered(1102)
    await maria.tap("Promemoria terapie")
    await maria.tap("Nuovo promemoria")
    await maria.text("Amoxicillina")
    await maria.tap("Salta")
    await maria.text("9")
    await maria.tap("No, basta così")
    await maria.tap("Tutti i giorni")
    await maria.text("01/12/2026")
    await maria.text("28/11/2026")
    await maria.tap("Salta")
    await maria.tap("Salta")
    await maria.tap("Salva")
    assert "La fine è prima dell'inizio" in maria.last().text
    await maria.text("10/12/2026")
    await maria.tap("Salta")
    await maria.tap("Salta")
    await maria.tap("Salva")
    [therapy] = await therapies(app)
    assert (therapy.start_date, therapy.end_date) == (date(2026, 12, 1), date(2026, 12, 10))


async def test_pause_resume_and_delete(
    app: App, clock: FixedClock, port: FakePort, registered: Registered
) -> None:
    maria = await registered(1103)
    await maria.tap("Promemoria terapie")
    await maria.tap("Nuovo promemoria")
    await maria.text("Ramipril")
    await maria.text("5 mg")
    await maria.text("11:00")
    await maria.tap("No, basta così")
    await maria.tap("Tutti i giorni")
    await maria.tap("Oggi")
    await maria.tap("Nessuna data di fine")
    for _ in range(2):
        await maria.tap("Salta")
    await maria.tap("Salva")
    await app.scheduler.run_once()
    await maria.tap("Sospendi o elimina")
    await maria.tap("⏸ Ramipril 5 mg")
    assert "sospeso" in maria.last().text
    assert {r.status for r in await reminders(app, "therapy_dose")} == {"cancelled"}
    await advance(app, clock, timedelta(hours=1))
    assert port.to(1103) == []
    await maria.tap("▶️ Ramipril 5 mg")
    assert "di nuovo attivo" in maria.last().text
    await app.scheduler.run_once()
    assert "scheduled" in {r.status for r in await reminders(app, "therapy_dose")}
    await maria.tap("Elimina")
    assert "Eliminare i promemoria di Ramipril 5 mg?" in maria.last().text
    await maria.tap("Sì, elimina")
    assert "eliminato" in maria.last().text
    [therapy] = await therapies(app)
    assert not therapy.active
    await advance(app, clock, timedelta(days=1))
    assert port.to(1103) == []


async def test_staff_set_up_a_reminder_from_a_request(
    app: App, port: FakePort, registered: Registered, person: Callable[[int], Person]
) -> None:
    await add_staff(app, 900)
    doctor = person(900)
    maria = await registered(1104)
    await maria.tap("Domanda")
    await maria.tap("non è urgente")
    await maria.tap("Terapia")
    await maria.text("Quando prendo il Ramipril?")
    await maria.tap("Invia")
    await doctor.text("/therapy 1")
    await doctor.text("Ramipril")
    await doctor.text("5 mg")
    await doctor.tap("08:00")
    await doctor.tap("No, basta così")
    await doctor.tap("Tutti i giorni")
    await doctor.tap("Domani")
    await doctor.tap("Nessuna data di fine")
    for _ in range(2):
        await doctor.tap("Salta")
    await doctor.tap("Salva")
    assert "Promemoria impostato: Ramipril 5 mg" in doctor.last().text
    assert "Richiesta n. 1" in doctor.last().text  # back on the card
    assert "Lo studio ha impostato un promemoria per lei: Ramipril 5 mg alle 08:00" in (
        maria.last().text
    )
    [therapy] = await therapies(app)
    assert therapy.added_by == "staff"
    await doctor.text("/therapy 1")
    await doctor.tap("Annulla")
    assert "Richiesta n. 1" in doctor.last().text
    await doctor.text("/therapy")
    assert "/therapy N" in doctor.last().text
