"""Answering the practice as a patient does it: by typing the answer (or sending a photo) right
where they are, not by finding the «Rispondi» button scrolled far up; an old «Rispondi» on a
request closed meanwhile; the request's detail in My requests; the NRE code's hint."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.bootstrap import App
from bot.emulator import EmulatorClient
from flows.clock import ShiftedClock
from storage.tables import Attachment, RequestEvent
from tests.e2e.conftest import RunningBot
from tests.e2e.people import Someone, onboard
from tests.e2e.test_patient_journeys import JPEG, certificate, question, requests_of
from tests.e2e.test_staff_journeys import TUESDAY_MORNING, make_doctor, notices_out, state_of

pytestmark = pytest.mark.e2e


@pytest.fixture
def bot_clock() -> ShiftedClock:
    """Staff are told at once only while the practice is open: a working morning, whatever
    moment the clock matrix starts the suite at (a night, a Sunday, a holiday)."""
    return ShiftedClock.starting_at(TUESDAY_MORNING)


async def answer_events(app: App, number: int) -> list[RequestEvent]:
    async with app.database.uow() as uow:
        return [e for e in await uow.requests.events(request_id=number) if e.action == "answer"]


async def patient_files(app: App, number: int) -> list[Attachment]:
    async with app.database.uow() as uow:
        query = select(Attachment).where(
            Attachment.request_id == number, Attachment.added_by == "patient"
        )
        return list((await uow.session.exec(query)).all())


async def filed_question(tg: EmulatorClient, user_id: int) -> Someone:
    maria = await Someone.join(tg, user_id)
    await onboard(maria)
    await question(maria)
    await maria.tap("Invia")
    return maria


async def test_a_typed_answer_goes_to_the_one_request_waiting(
    tg: EmulatorClient, app: App, frontdesk: RunningBot
) -> None:
    doctor = await make_doctor(tg, app, 8101, "Dott. Rossi")
    maria = await filed_question(tg, 8102)
    await notices_out(app)
    await doctor.say("/ask 1 Da quanti giorni prende il farmaco?")
    assert "Da quanti giorni" in await maria.last_text()
    before = len([t for t in await doctor.texts() if "ha risposto" in t])
    await maria.say("Da una settimana")  # typed, no button tapped
    reply = await maria.last()
    assert "Risposta inviata per la richiesta n. 1" in reply.content
    assert "Menu principale" in reply.content
    assert await state_of(app, 1) == "in_progress"
    [event] = await answer_events(app, 1)
    assert event.note == "Da una settimana"
    await notices_out(app)
    assert len([t for t in await doctor.texts() if "ha risposto" in t]) == before + 1
    cards = [m for m in await maria.bot_messages() if "Richiesta n. 1 ·" in m.content]
    assert "in lavorazione" in cards[0].content  # the status card moved on
    assert not any("Rispondi" in label for label in cards[0].buttons)
    # A photo is an answer too.
    await doctor.say("/ask 1 Mi manda una foto della confezione?")
    await maria.photo(JPEG)
    assert "Risposta inviata per la richiesta n. 1" in await maria.last_text()
    assert await state_of(app, 1) == "in_progress"
    [photo] = await patient_files(app, 1)
    assert photo.kind == "photo"
    assert len(await answer_events(app, 1)) == 2


async def test_with_several_waiting_the_patient_says_which(
    tg: EmulatorClient, app: App, frontdesk: RunningBot
) -> None:
    doctor = await make_doctor(tg, app, 8111, "Dott. Rossi")
    maria = await filed_question(tg, 8112)
    await certificate(maria)
    await maria.tap("Invia")
    await doctor.say("/ask 1 Quale farmaco?")
    await doctor.say("/ask 2 Da quando sta male?")
    await maria.say("Da lunedì")
    which = await maria.last()
    assert "A quale risponde" in which.content
    assert any("n. 1 · Domanda" in label for label in which.buttons)
    assert any("n. 2 · Certificato" in label for label in which.buttons)
    assert await state_of(app, 1) == await state_of(app, 2) == "waiting_patient"
    await maria.tap("n. 2 · Certificato")
    assert "Risposta inviata per la richiesta n. 2" in await maria.last_text()
    assert await state_of(app, 2) == "in_progress"
    assert await state_of(app, 1) == "waiting_patient"
    [event] = await answer_events(app, 2)
    assert event.note == "Da lunedì"  # kept while she chose
    # Now only one waits: the next message is its answer without asking.
    await maria.say("Il Ramipril")
    assert "Risposta inviata per la richiesta n. 1" in await maria.last_text()
    assert (await answer_events(app, 1))[0].note == "Il Ramipril"


async def test_a_message_with_nothing_waiting_is_not_dropped_silently(
    tg: EmulatorClient, app: App, frontdesk: RunningBot
) -> None:
    maria = await Someone.join(tg, 8121)
    await onboard(maria)
    await maria.say("Buongiorno dottore, ho la febbre")
    reply = await maria.last()
    assert "nessuna richiesta aspetta una sua risposta" in reply.content
    assert "Domanda" in reply.content
    assert any("Ricetta" in label for label in reply.buttons)  # the menu, right there
    assert await requests_of(app) == []


async def test_an_old_answer_button_on_a_closed_request_says_so_once(
    tg: EmulatorClient, app: App, frontdesk: RunningBot
) -> None:
    doctor = await make_doctor(tg, app, 8131, "Dott. Rossi")
    maria = await filed_question(tg, 8132)
    await doctor.say("/ask 1 Prende altri farmaci?")
    await maria.say("Solo questo")
    await doctor.say("/ready 1 Va bene così")
    await doctor.say("/close 1")
    await maria.tap("Rispondi")  # the button under the practice's question, still there
    reply = await maria.last()
    closed = "La richiesta n. 1 è già chiusa: se ha ancora bisogno, può fare una nuova domanda."
    assert closed in reply.content
    assert not any("Rispondi" in label for label in reply.buttons)  # no prompt, no loop
    assert sum(closed in t for t in await maria.texts()) == 1
    await maria.tap("Nuova domanda")
    assert "urgente" in (await maria.last_text()).lower()  # the Domanda flow begins
    assert len(await answer_events(app, 1)) == 1


async def test_an_answer_typed_after_the_request_closed_becomes_a_new_question(
    tg: EmulatorClient, app: App, frontdesk: RunningBot
) -> None:
    doctor = await make_doctor(tg, app, 8141, "Dott. Rossi")
    maria = await filed_question(tg, 8142)
    await doctor.say("/ask 1 Prende altri farmaci?")
    await maria.tap("Rispondi")
    assert "Prende altri farmaci?" in await maria.last_text()
    await doctor.say("/reject 1 Ne parliamo alla visita")  # while she was typing
    await maria.say("Sì, anche la cardioaspirina")
    reply = await maria.last()
    assert "La richiesta n. 1 è già chiusa" in reply.content
    assert "non è perso" in reply.content
    await maria.say("E la vitamina D")  # more words: kept with the rest
    assert "non è perso" in await maria.last_text()
    await maria.photo(JPEG)  # and a photo of the box
    await maria.tap("Invia come nuova domanda")
    summary = await maria.last_text()
    assert "Sì, anche la cardioaspirina\nE la vitamina D" in summary
    await maria.tap("Invia")
    requests = await requests_of(app)
    assert [(r.id, r.kind, r.state) for r in requests] == [
        (1, "question", "rejected"),
        (2, "question", "new"),
    ]
    assert requests[1].answers["text"] == "Sì, anche la cardioaspirina\nE la vitamina D"
    [photo] = await patient_files(app, 2)
    assert photo.kind == "photo"
    assert await answer_events(app, 1) == []


async def test_my_requests_shows_what_was_asked_and_the_practice_question(
    tg: EmulatorClient, app: App, frontdesk: RunningBot
) -> None:
    doctor = await make_doctor(tg, app, 8151, "Dott. Rossi")
    maria = await filed_question(tg, 8152)
    await doctor.say("/ask 1 A che ora lo prende?")
    await maria.say("/menu")
    await maria.tap("Le mie richieste")
    await maria.tap("n. 1")
    detail = await maria.last()
    assert "stomaco vuoto" in detail.content  # what she asked
    assert "Terapia" in detail.content
    assert "A che ora lo prende?" in detail.content  # what the practice asks
    assert any("Rispondi" in label for label in detail.buttons)
    await maria.tap("Rispondi")
    await maria.say("Alle 8")
    assert "Risposta inviata per la richiesta n. 1" in await maria.last_text()
    assert (await answer_events(app, 1))[0].note == "Alle 8"


async def test_the_nre_code_says_what_to_do_with_it(
    tg: EmulatorClient, app: App, frontdesk: RunningBot
) -> None:
    doctor = await make_doctor(tg, app, 8161, "Dott. Rossi")
    maria = await filed_question(tg, 8162)
    await doctor.say("/ready 1 NRE 1200A4567890123")
    ready = await maria.last()
    assert "NRE 1200A4567890123" in ready.content
    assert "Mostri questo codice in farmacia con la tessera sanitaria." in ready.content
    assert ready.protect_content
