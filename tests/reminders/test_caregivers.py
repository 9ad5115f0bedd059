"""Caregivers: the invitation through a deep link, the alert on a missed dose (in the morning if
the dose was at night), filing a request for the patient, and being removed."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.bootstrap import App
from flows.clock import FixedClock
from storage.tables import Caregiver, Request
from tests.flows.harness import Person
from tests.reminders.fakes import FakePort, add_therapy, advance, patient_of

Registered = Callable[[int], Awaitable[Person]]


async def link_caregiver(patient: Person, caregiver: Person) -> str:
    await patient.tap("Promemoria terapie")
    await patient.tap("Un familiare")
    await patient.tap("Invita un familiare")
    found = re.search(r"https://t\.me/StudioRossiBot\?start=(cg_[\w-]+)", patient.last().text)
    assert found is not None, patient.last().text
    await caregiver.text(f"/start {found[1]}")
    return found[1]


async def test_invite_accept_and_alert_on_a_missed_dose(
    app: App,
    clock: FixedClock,
    port: FakePort,
    registered: Registered,
    person: Callable[[int], Person],
) -> None:
    maria = await registered(1001)
    luca = person(1002)
    payload = await link_caregiver(maria, luca)
    assert "Ora è collegato a Maria B." in luca.last().text
    assert "Luca" not in maria.last().text  # the harness has no first names: "Il familiare"
    assert "ha accettato" in maria.last().text
    await maria.text("/menu")
    await maria.tap("Promemoria terapie")
    await maria.tap("Un familiare")
    assert "collegato" in maria.last().text
    await add_therapy(app, 1001, times=["10:30"])
    await advance(app, clock, timedelta(minutes=30))
    await advance(app, clock, timedelta(hours=1))
    assert "Maria B. non ha confermato la dose di Ramipril 5 mg delle 10:30" in luca.last().text
    # An invitation works once.
    intruder = person(1003)
    await intruder.text(f"/start {payload}")
    assert "non è valido o è scaduto" in intruder.last().text


async def test_a_night_dose_alerts_the_caregiver_in_the_morning(
    app: App,
    clock: FixedClock,
    port: FakePort,
    registered: Registered,
    person: Callable[[int], Person],
) -> None:
    maria = await registered(1011)
    luca = person(1012)
    await link_caregiver(maria, luca)
    before = len(port.to(1012))
    await add_therapy(app, 1011, times=["23:00"])
    clock.at = datetime(2026, 11, 24, 22, 0, tzinfo=UTC)  # 23:00 in Rome
    await app.scheduler.run_once()
    assert "Sono le 23:00" in maria.last().text  # the patient chose this time: it goes at night
    await advance(app, clock, timedelta(hours=1, minutes=30))
    await advance(app, clock, timedelta(hours=6))  # 06:30
    assert len(port.to(1012)) == before
    await advance(app, clock, timedelta(hours=1, minutes=30))  # 08:00: quiet hours are over
    assert "non ha confermato la dose di Ramipril 5 mg delle 23:00" in luca.last().text


async def test_the_caregiver_files_a_request_for_the_patient(
    app: App, port: FakePort, registered: Registered, person: Callable[[int], Person]
) -> None:
    maria = await registered(1021)
    luca = person(1022)
    await link_caregiver(maria, luca)
    await luca.tap("Richiesta per Maria B.")
    assert "Per conto di Maria B." in luca.last().text
    await luca.tap("Domanda")
    await luca.tap("non è urgente")
    await luca.tap("Terapia")
    await luca.text("Mia madre può prendere il Ramipril a stomaco vuoto?")
    await luca.tap("Invia")
    async with app.database.uow() as uow:
        request = (await uow.session.exec(select(Request))).one()
    assert request.patient_id == (await patient_of(app, 1021)).id
    assert request.status_chat_id == 1022  # the card is in the caregiver's chat
    await luca.tap("Impostazioni")
    assert "può cambiarle solo il paziente" in luca.texts()[-2] + luca.last().text
    await luca.text("/menu")
    assert any("Non agisce più per conto" in t for t in luca.texts())
    async with app.database.uow() as uow:
        link = (await uow.session.exec(select(Caregiver))).one()
    assert not link.acting


async def test_the_patient_removes_the_caregiver(
    app: App, port: FakePort, registered: Registered, person: Callable[[int], Person]
) -> None:
    maria = await registered(1031)
    luca = person(1032)
    await link_caregiver(maria, luca)
    await maria.text("/menu")
    await maria.tap("Promemoria terapie")
    await maria.tap("Un familiare")
    await maria.tap("Scollega")
    assert "l'ha scollegata" in luca.last().text
    async with app.database.uow() as uow:
        link = (await uow.session.exec(select(Caregiver))).one()
    assert link.status == "revoked"
    await luca.tap("Richiesta per Maria B.")
    assert any("non è valido" in text for text in luca.texts()[-2:])
