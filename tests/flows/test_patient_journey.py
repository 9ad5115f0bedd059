"""The patient journey through the engine, without network: onboarding, a request, its card."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlmodel import select

from bot.bootstrap import App
from storage.tables import Patient, Request, RequestEvent
from tests.flows.harness import Person


async def test_onboarding_stores_the_patient(
    app: App, registered: Callable[[int], Awaitable[Person]]
) -> None:
    maria = await registered(501)
    assert "Menu principale" in maria.last().text
    async with app.database.uow() as uow:
        patient = (await uow.session.exec(select(Patient))).one()
    assert patient.first_name == "Maria"
    assert patient.fiscal_code == "BNCMRA80A41H501E"
    assert patient.verification == "pending"
    assert patient.consent_version == app.settings.consent_version
    assert patient.phone is None


async def test_welcome_shows_practice_hours_and_emergency_numbers(
    person: Callable[[int], Person],
) -> None:
    maria = person(502)
    await maria.text("/start")
    welcome = maria.last().text
    for expected in ("Studio Rossi", "08:30", "112", "116117", "2 giorni lavorativi"):
        assert expected in welcome


async def test_question_request_is_filed_with_its_event(
    app: App, registered: Callable[[int], Awaitable[Person]]
) -> None:
    maria = await registered(503)
    await maria.tap("Domanda")
    await maria.tap("non è urgente")
    await maria.tap("Terapia")
    await maria.text("Posso prendere la pillola dopo cena?")
    assert "Posso prendere la pillola dopo cena?" in maria.last().text
    summary_id = maria.last().message_id
    await maria.tap("Invia")
    card = maria.renderer.messages[summary_id]
    assert "Richiesta n. 1" in card.text
    assert "ricevuta" in card.text
    async with app.database.uow() as uow:
        request = (await uow.session.exec(select(Request))).one()
        events = (await uow.session.exec(select(RequestEvent))).all()
    assert request.kind == "question"
    assert request.answers["text"] == "Posso prendere la pillola dopo cena?"
    assert request.unverified is True
    assert request.status_message_id == summary_id
    assert [e.action for e in events] == ["submit"]


async def test_urgent_creates_nothing(
    app: App, registered: Callable[[int], Awaitable[Person]]
) -> None:
    maria = await registered(504)
    await maria.tap("Domanda")
    await maria.tap("Emergenza")
    assert "112" in maria.last().text
    async with app.database.uow() as uow:
        assert (await uow.session.exec(select(Request))).all() == []


async def test_cancel_while_new(app: App, registered: Callable[[int], Awaitable[Person]]) -> None:
    maria = await registered(505)
    await maria.tap("Domanda")
    await maria.tap("non è urgente")
    await maria.tap("Altro")
    await maria.text("Una domanda")
    await maria.tap("Invia")
    await maria.tap("Annulla richiesta")
    await maria.tap("Sì, annulla")
    async with app.database.uow() as uow:
        request = (await uow.session.exec(select(Request))).one()
    assert request.state == "cancelled"
    assert "annullata" in maria.texts()[-1] or "annullata" in "".join(maria.texts())


async def test_stale_and_forged_buttons(registered: Callable[[int], Awaitable[Person]]) -> None:
    maria = await registered(506)
    await maria.tap_data("forged~AAAAAAAA")
    assert "non è più valido" in maria.last().text
    await maria.tap_data("R.1.c~AAAAAAAA")
    assert "non è più valido" in maria.last().text


async def test_text_at_the_menu_with_nothing_waiting(
    registered: Callable[[int], Awaitable[Person]],
) -> None:
    maria = await registered(507)
    await maria.text("ciao")
    assert "nessuna richiesta aspetta una sua risposta" in maria.last().text
    assert "Menu principale" in maria.last().text
