"""The urgent path and registration as a new, elderly patient walks them on a phone: the advice is
the last thing on screen and depends on the hour; the welcome's notice stays readable; the words a
person types to get out work at every step; a fiscal code must fit the birth date, and one already
registered is flagged to staff only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.bootstrap import App, bootstrap
from bot.emulator import EmulatorClient
from flows.clock import FixedClock
from flows.settings import Settings
from storage.tables import Patient
from tests.e2e.conftest import RunningBot, StartBot
from tests.e2e.people import Someone, onboard
from tests.e2e.test_patient_journeys import requests_of
from tests.e2e.test_staff_journeys import make_doctor

pytestmark = pytest.mark.e2e
HOURS = "mon-fri 08:30-12:30,15:00-18:00"
# Tuesday 1 December 2026 in Rome (UTC+1): 10:00 the practice is open, 21:00 it is closed.
OPEN = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CLOSED = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
PHONE = "06 1234 5678"
MARIA_CF = "BNCMRA80A41H501E"  # a woman born on 1 January 1980


@pytest.fixture
async def practice(settings: Settings) -> AsyncIterator[App]:
    """The front desk with the practice's real hours and its clock held still (open at first)."""
    built = await bootstrap(settings.model_copy(update={"opening_hours": HOURS}))
    built.desk.clock = FixedClock(OPEN)
    yield built
    await built.close()


@pytest.fixture
async def bot(practice: App, start_bot: StartBot) -> RunningBot:
    return await start_bot(practice)


async def registered(tg: EmulatorClient, user_id: int) -> Someone:
    maria = await Someone.join(tg, user_id)
    await onboard(maria, code=MARIA_CF)
    return maria


async def patients_of(app: App) -> list[Patient]:
    async with app.database.uow() as uow:
        return list((await uow.session.exec(select(Patient).order_by(Patient.id))).all())


# --- the urgency question --------------------------------------------------------------------


async def test_the_gate_offers_three_clear_choices(tg: EmulatorClient, bot: RunningBot) -> None:
    maria = await registered(tg, 9101)
    await maria.tap("Domanda")
    labels = (await maria.last()).buttons
    assert any("Emergenza" in b and "petto" in b for b in labels)
    assert any("Urgente ma non grave" in b for b in labels)
    assert any("No, non è urgente" in b for b in labels)


async def test_an_emergency_says_112_in_the_last_message(
    tg: EmulatorClient, practice: App, bot: RunningBot
) -> None:
    maria = await registered(tg, 9102)
    await maria.tap("Domanda")
    await maria.tap("Emergenza")
    advice = await maria.last()
    assert "Chiami subito il 112" in advice.content
    assert "nessuna richiesta" in advice.content
    assert any("Menu" in b for b in advice.buttons)
    # The question was turned back into the menu above the advice, not left with dead buttons.
    assert "Menu principale" in (await maria.bot_messages())[-2].content
    await maria.tap("🏠 Menu")
    assert "Menu principale" in await maria.last_text()
    assert "Chiami subito il 112" in (await maria.bot_messages())[-2].content
    assert await requests_of(practice) == []


async def test_urgent_today_while_open_for_a_medicine(
    tg: EmulatorClient, practice: App, bot: RunningBot
) -> None:
    practice.settings.practice_phone = PHONE
    maria = await registered(tg, 9103)
    await maria.tap("Ricetta")
    await maria.tap("Urgente ma non grave")
    advice = await maria.last_text()
    assert f"chiami lo studio al numero {PHONE}" in advice
    assert "farmacista" in advice
    assert "116117" not in advice
    assert "nessuna richiesta" in advice
    assert await requests_of(practice) == []


async def test_urgent_today_while_closed_calls_116117(
    tg: EmulatorClient, practice: App, bot: RunningBot
) -> None:
    practice.settings.practice_phone = PHONE
    maria = await registered(tg, 9104)
    practice.desk.clock = FixedClock(CLOSED)
    await maria.tap("Certificato")
    await maria.tap("Urgente ma non grave")
    advice = await maria.last()
    assert "116117" in advice.content
    assert "Lo studio riapre mer 2 dic, 08:30" in advice.content
    assert PHONE not in advice.content
    assert "farmacista" not in advice.content  # a certificate: no pharmacist to ask
    assert any("Menu" in b for b in advice.buttons)
    assert await requests_of(practice) == []


async def test_urgent_today_with_no_phone_set_names_no_number(
    tg: EmulatorClient, practice: App, bot: RunningBot
) -> None:
    maria = await registered(tg, 9105)
    await maria.tap("Ricetta")
    await maria.tap("Urgente ma non grave")
    advice = await maria.last_text()
    assert "telefoni allo studio" in advice
    assert ": -" not in advice
    assert "numero -" not in advice


# --- the welcome -----------------------------------------------------------------------------


async def test_the_welcome_stays_readable_after_accetto(
    tg: EmulatorClient, bot: RunningBot
) -> None:
    maria = await Someone.join(tg, 9201)
    await maria.say("/start")
    await maria.tap("Accetto")
    welcome, step = (await maria.bot_messages())[-2:]
    assert welcome.content.startswith("Le diamo il benvenuto")
    for kept in ("112", "116117", "Privacy", "Risposta: ✅ Accetto"):
        assert kept in welcome.content
    assert welcome.buttons == []
    assert "Registrazione (1/5)" in step.content
    assert any("Annulla" in b for b in step.buttons)


async def test_declining_keeps_the_welcome_and_names_no_missing_number(
    tg: EmulatorClient, bot: RunningBot
) -> None:
    maria = await Someone.join(tg, 9202)
    await maria.say("/start")
    await maria.tap("Non accetto")
    welcome, declined = (await maria.bot_messages())[-2:]
    assert "116117" in welcome.content
    assert "Risposta: ✖️ Non accetto" in welcome.content
    assert "si rivolga allo studio" in declined.content
    assert "studio: -" not in declined.content


async def test_one_sentence_after_registering(tg: EmulatorClient, bot: RunningBot) -> None:
    maria = await registered(tg, 9203)
    menu = await maria.last_text()
    assert "Registrazione completata" in menu
    assert "deve ancora verificare" in menu
    assert "verificherà" not in menu


# --- words to get out ------------------------------------------------------------------------


async def test_annulla_at_the_first_step_goes_back_to_the_welcome(
    tg: EmulatorClient, practice: App, bot: RunningBot
) -> None:
    maria = await Someone.join(tg, 9301)
    await maria.say("/start")
    await maria.tap("Accetto")
    await maria.say("Annulla")
    text = await maria.last_text()
    assert "Registrazione annullata" in text
    assert "Accetta?" in text
    (patient,) = await patients_of(practice)
    assert patient.first_name is None
    assert patient.consent_at is None
    # She can start again, and the button Annulla does the same from a later step.
    await maria.tap("Accetto")
    await maria.say("Maria")
    await maria.tap("Annulla")
    assert "Registrazione annullata" in await maria.last_text()
    (patient,) = await patients_of(practice)
    assert patient.first_name is None
    assert patient.registered_at is None


async def test_help_back_and_menu_while_registering(
    tg: EmulatorClient, practice: App, bot: RunningBot
) -> None:
    maria = await Someone.join(tg, 9302)
    await maria.say("/start")
    await maria.tap("Accetto")
    await maria.say("Maria")
    await maria.say("aiuto")
    text = await maria.last_text()
    assert "«indietro»" in text
    assert "Registrazione (2/5)" in text
    await maria.say("INDIETRO")
    assert "Registrazione (1/5)" in await maria.last_text()
    await maria.say("Maria")
    await maria.say("Bianchi")
    await maria.say("/menu")
    assert "Accetta?" in await maria.last_text()
    await maria.tap("Accetto")
    await maria.say("Maria")
    await maria.say("Bianchi")
    await maria.say("01/01/1980")
    await maria.say("back")
    assert "Registrazione (3/5)" in await maria.last_text()
    await maria.say("01/01/1980")
    await maria.say(MARIA_CF)
    await maria.say("stop")  # on the share-my-number step, with its keyboard up
    assert "Registrazione annullata" in await maria.last_text()
    (patient,) = await patients_of(practice)
    assert patient.fiscal_code is None
    assert patient.registered_at is None


async def test_escape_words_in_a_request(
    tg: EmulatorClient, practice: App, bot: RunningBot
) -> None:
    maria = await registered(tg, 9303)
    await maria.tap("Domanda")
    await maria.tap("No, non è urgente")
    await maria.tap("Terapia")
    await maria.say("Aiuto")
    text = await maria.last_text()
    assert "«annulla»" in text
    await maria.say("/help")
    assert "«annulla»" in await maria.last_text()
    await maria.say("indietro")
    assert any("Terapia" in b for b in (await maria.last()).buttons)
    await maria.tap("Terapia")
    await maria.say("menu")
    assert "Menu principale" in await maria.last_text()
    await maria.tap("Domanda")
    await maria.tap("No, non è urgente")
    await maria.tap("Terapia")
    await maria.say("cancel")
    assert "Annullato" in await maria.last_text()
    await maria.say("/menu")
    assert "Menu principale" in await maria.last_text()
    assert await requests_of(practice) == []


# --- the fiscal code -------------------------------------------------------------------------


async def test_a_fiscal_code_of_another_birth_date_is_asked_again(
    tg: EmulatorClient, practice: App, bot: RunningBot
) -> None:
    maria = await Someone.join(tg, 9401)
    await maria.say("/start")
    await maria.tap("Accetto")
    await maria.say("Maria")
    await maria.say("Bianchi")
    await maria.say("02/01/1980")
    await maria.say(MARIA_CF)
    text = await maria.last_text()
    assert "non corrisponde alla data di nascita che ha scritto (02/01/1980)" in text
    assert "Registrazione (4/5)" in text
    await maria.say("indietro")
    await maria.say("01/01/1980")
    await maria.say(MARIA_CF)
    assert "Registrazione (5/5)" in await maria.last_text()


async def test_a_fiscal_code_already_registered_is_flagged_to_staff_only(
    tg: EmulatorClient, practice: App, bot: RunningBot
) -> None:
    doctor = await make_doctor(tg, practice, 9400, "Dott. Rossi")
    await registered(tg, 9402)
    anna = await Someone.join(tg, 9403, first_name="Anna")
    await anna.say("/start")
    await anna.tap("Accetto")
    await anna.say("Anna")
    await anna.say("Verdi")
    await anna.say("01/01/1980")
    await anna.say(MARIA_CF)
    await anna.press("Salta")
    await anna.tap("Conferma")
    assert "Menu principale" in await anna.last_text()
    assert not any("Bianchi" in t or "già registrato" in t for t in await anna.texts())
    maria, anna_row = await patients_of(practice)
    assert anna_row.registered_at is not None
    await doctor.say("/patients")
    screen = await doctor.last_text()
    lines = screen.splitlines()
    anna_line = next(i for i, line in enumerate(lines) if "Anna Verdi" in line)
    maria_line = next(i for i, line in enumerate(lines) if "Maria Bianchi" in line)
    flag = f"⚠️ codice fiscale già registrato per il paziente n. {maria.id}"
    assert flag in lines[anna_line + 1]
    assert f"paziente n. {anna_row.id}" in lines[maria_line + 1]
