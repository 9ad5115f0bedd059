"""The desk corrections at flow level, on a fixed clock (Tuesday 24 November 2026): the digest's
«Apri» buttons, canned replies by purpose, a slot on a holiday, a dose typed with the name."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.bootstrap import App
from flows.clock import FixedClock
from flows.housekeeping import tick
from flows.kinds.prescription import carries_dose
from flows.staff.templates import label
from storage.tables import Appointment, Patient, Request
from tests.flows.harness import Person
from tests.flows.test_staff_desk import add_staff, file_question, request_state

Registered = Callable[[int], Awaitable[Person]]


@pytest.mark.parametrize(
    ("name", "carries"),
    [
        ("Ramipril 5 mg", True),
        ("Eutirox 75mcg", True),
        ("Tachipirina 1000MG", True),
        ("Augmentin 1 g", True),
        ("Voltaren gel 1%", True),
        ("Clexane 4000 UI", True),
        ("Tachipirina", False),
        ("Vitamina D3", False),
        ("Cardioaspirina 100 compresse", False),
    ],
)
def test_a_dose_is_recognised_in_the_name(name: str, *, carries: bool) -> None:
    assert carries_dose(name) is carries


def test_labels_are_cut_between_words() -> None:
    text = "Serve una visita in studio: la contatteremo per l'appuntamento e le diremo cosa."
    cut = label(text)
    assert cut == "Serve una visita in studio: la contatteremo per…"
    assert len(cut) <= 60
    assert label("Breve e chiaro.") == "Breve e chiaro."


async def test_the_digest_opens_each_request(
    app: App, clock: FixedClock, registered: Registered, person: Callable[[int], Person]
) -> None:
    await add_staff(app, 951, "Dott. Rossi")
    doctor = person(951)
    clock.advance(timedelta(hours=12))  # Tuesday 22:00 in Rome: closed
    maria = await registered(551)
    await file_question(maria, "Prima domanda")
    await file_question(maria, "Seconda domanda")
    clock.advance(timedelta(hours=11))  # Wednesday 09:00: open
    await doctor.renderer.render(await tick(app.desk))
    digest = doctor.last()
    assert "Mentre lo studio era chiuso" in digest.text
    assert [b.label for row in digest.buttons for b in row] == ["📂 Apri n. 1", "📂 Apri n. 2"]
    await doctor.tap("Apri n. 2")
    assert "Richiesta n. 2" in doctor.last().text
    assert "Seconda domanda" in doctor.last().text


async def test_canned_replies_have_a_purpose(
    app: App, registered: Registered, person: Callable[[int], Person]
) -> None:
    await add_staff(app, 952, "Dott. Rossi")
    doctor = person(952)
    maria = await registered(552)
    await file_question(maria)
    await doctor.text("/templates")
    shipped = doctor.last().text
    assert "❓ Domanda: Può indicarci da quanti giorni" in shipped
    assert "✅ Pronta:" in shipped
    await doctor.text("/templates add pronta Trova il codice NRE qui sopra.")
    assert "✅ Pronta: Trova il codice NRE qui sopra." in doctor.last().text
    await doctor.text("/open 1")
    await doctor.tap("Pronta")
    offered = [b.label for row in doctor.last().buttons for b in row]
    assert "💬 Trova il codice NRE qui sopra." in offered
    assert not any("da quanti giorni" in b for b in offered)
    await doctor.tap("Trova il codice NRE")
    assert await request_state(app, 1) == "ready"
    assert "Trova il codice NRE qui sopra." in maria.last().text


async def test_replies_saved_without_a_purpose_get_one(
    app: App, person: Callable[[int], Person]
) -> None:
    async with app.database.uow() as uow:
        await uow.settings.put(key="templates", value=["Da quando?", "Arrivederci."])
        await uow.commit()
    await add_staff(app, 954, "Dott. Rossi")
    doctor = person(954)
    await doctor.text("/templates")
    listed = doctor.last().text
    assert "1. ❓ Domanda: Da quando?" in listed
    assert "2. 🔒 Chiusura: Arrivederci." in listed
    await doctor.text("/templates del 1")
    async with app.database.uow() as uow:
        stored = await uow.settings.get(key="templates")
    assert stored == [{"text": "Arrivederci.", "purpose": "close"}]


async def test_a_slot_on_a_holiday_or_a_closed_weekday_asks_first(
    app: App, registered: Registered, person: Callable[[int], Person]
) -> None:
    await add_staff(app, 953, "Dott. Rossi")
    maria = await registered(554)
    doctor = person(953)
    async with app.database.uow() as uow:
        patient = (await uow.session.exec(select(Patient))).one()
        uow.session.add(
            Request(kind="visit", patient_id=patient.id, answers={}, due_at=app.clock.now())
        )
        await uow.commit()
    shown = len(maria.texts())
    await doctor.text("/slot 1 08/12 10:30")
    assert "08/12 è festivo (Immacolata Concezione): proporre comunque?" in doctor.last().text
    await doctor.tap("No")
    assert "Richiesta n. 1" in doctor.last().text
    app.desk.settings.extra_closed_days = [app.clock.now().date() + timedelta(days=2)]
    await doctor.text("/slot 1 26/11 10:30")
    assert "26/11 lo studio è chiuso" in doctor.last().text
    assert len(maria.texts()) == shown  # nothing proposed yet
    await doctor.tap("Sì, proponi")
    assert "26 nov" in maria.last().text
    async with app.database.uow() as uow:
        (appointment,) = (await uow.session.exec(select(Appointment))).all()
    assert appointment.status == "proposed"
