"""What a new patient and the doctor tripped over, walked again over the emulator: a repeat filed
as a repeat, notices that open the card, a card gone stale that refreshes instead of acting,
canned replies that fit the prompt, and a visit slot on a closed day that asks first."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest

from bot.bootstrap import App
from bot.emulator import ChatMessage, EmulatorClient
from flows.clock import ShiftedClock
from tests.e2e.conftest import RunningBot
from tests.e2e.people import Someone, onboard
from tests.e2e.test_patient_journeys import JOURNEYS, begin
from tests.e2e.test_staff_journeys import TUESDAY_MORNING, make_doctor, notices_out, state_of

pytestmark = pytest.mark.e2e


@pytest.fixture
def bot_clock() -> ShiftedClock:
    """Staff are told at once only while the practice is open: a working morning, whatever
    moment the clock matrix starts the suite at (a night, a Sunday, a holiday)."""
    return ShiftedClock.starting_at(TUESDAY_MORNING)


LONG_CLOSING = (
    "Serve una visita in studio: la contatteremo per l'appuntamento e le diremo cosa portare."
)


async def message(someone: Someone, message_id: int) -> ChatMessage:
    return next(m for m in await someone.bot_messages() if m.message_id == message_id)


async def test_a_repeat_with_nothing_saved_stays_a_repeat_and_the_notice_opens_it(
    tg: EmulatorClient, app: App, frontdesk: RunningBot
) -> None:
    doctor = await make_doctor(tg, app, 8101, "Dott. Rossi")
    maria = await Someone.join(tg, 8102)
    await onboard(maria)
    await begin(maria, "Ricetta")
    await maria.tap("Ripetere un farmaco")
    asked = await maria.last_text()
    assert "Non trovo farmaci salvati" in asked
    assert asked.count("nome del farmaco") == 1
    await maria.say("Ramipril 5 mg")
    assert "Quante scatole" in await maria.last_text()  # the dose came with the name
    await maria.tap("2 scatole")
    await maria.tap("codice qui in chat")
    summary = await maria.last_text()
    assert "Tipo: 🔁 Ripetizione" in summary
    assert "Farmaco: Ramipril 5 mg" in summary
    assert "Dosaggio" not in summary
    assert "nuovo" not in summary
    await maria.tap("Invia")
    await notices_out(app)

    notice = await doctor.last()
    assert "Nuova richiesta n. 1" in notice.content
    assert "📂 Apri" in notice.buttons
    await doctor.tap("Apri")
    card = await doctor.last()
    assert card.message_id != notice.message_id  # the notice stays as it was
    assert "Richiesta n. 1 · Ricetta" in card.content
    assert "Tipo: 🔁 Ripetizione" in card.content
    assert "nuovo" not in card.content


async def test_a_card_gone_stale_refreshes_instead_of_acting(
    tg: EmulatorClient, app: App, frontdesk: RunningBot
) -> None:
    doctor = await make_doctor(tg, app, 8111, "Dott. Rossi")
    anna = await make_doctor(tg, app, 8113, "Anna")
    maria = await Someone.join(tg, 8112)
    await onboard(maria)
    await JOURNEYS["question"](maria)
    await maria.tap("Invia")
    await JOURNEYS["certificate"](maria)
    await maria.tap("Invia")
    await notices_out(app)

    # The patient answers while the doctor's card still says she is being waited for.
    await doctor.say("/ask 1 Da quanti giorni?")
    waiting = await doctor.last()
    assert "attesa paziente" in waiting.content
    await maria.tap("Rispondi")
    await maria.say("Da tre giorni")
    await notices_out(app)
    answered = await doctor.last()
    assert "ha risposto" in answered.content
    assert "📂 Apri" in answered.buttons
    await doctor.tap("Respingi")  # on the stale card
    refreshed = await message(doctor, waiting.message_id)
    assert "🔄 Aggiornata" in refreshed.content
    assert "in lavorazione" in refreshed.content
    assert await state_of(app, 1) == "in_progress"  # nothing was done on stale information

    # A colleague takes the request the doctor has open.
    await doctor.say("/open 2")
    card = await doctor.last()
    assert "nuova" in card.content
    await anna.say("/take 2")
    await doctor.tap("Pronta")
    refreshed = await message(doctor, card.message_id)
    assert "🔄 Aggiornata" in refreshed.content
    assert "Anna" in refreshed.content
    assert await state_of(app, 2) == "in_progress"
    await doctor.tap("Pronta")  # the card is current now: the action goes on
    assert "scriva una nota" in await doctor.last_text()


async def test_each_prompt_offers_its_own_canned_replies(
    tg: EmulatorClient, app: App, frontdesk: RunningBot
) -> None:
    # Replies saved before they had a purpose: a question, and a long closing note.
    async with app.database.uow() as uow:
        await uow.settings.put(
            key="templates", value=["Può indicarci da quanti giorni ha i sintomi?", LONG_CLOSING]
        )
        await uow.commit()
    doctor = await make_doctor(tg, app, 8121, "Dott. Rossi")
    maria = await Someone.join(tg, 8122)
    await onboard(maria)
    await JOURNEYS["question"](maria)
    await maria.tap("Invia")
    await notices_out(app)
    await doctor.tap("Apri")
    await doctor.tap("Pronta")
    ready = await doctor.last()
    assert "Senza nota" in str(ready.buttons)
    assert "da quanti giorni" not in str(ready.buttons)
    await doctor.tap("Annulla")
    await doctor.say("/open 1")
    await doctor.tap("Chiedi")
    ask = await doctor.last()
    assert any("da quanti giorni" in b for b in ask.buttons)
    assert not any("Serve una visita" in b for b in ask.buttons)
    await doctor.tap("Annulla")
    await doctor.say("/open 1")
    await doctor.tap("Chiudi")
    (closing,) = [b for b in (await doctor.last()).buttons if "Serve una visita" in b]
    assert closing.endswith("…")
    kept = closing.removeprefix("💬 ").removesuffix("…")
    assert LONG_CLOSING.startswith(kept)
    assert LONG_CLOSING[len(kept)] == " "  # cut between words, never inside one
    await doctor.tap("Serve una visita")
    assert await state_of(app, 1) == "closed"
    assert "la contatteremo per l'appuntamento e le diremo" in await maria.last_text()
    await doctor.say("/templates")
    listed = await doctor.last_text()
    assert "❓ Domanda: Può indicarci" in listed
    assert "🔒 Chiusura: Serve una visita" in listed


def next_holiday(after: date) -> tuple[date, str]:
    names = holidays.country_holidays("IT", years=(after.year, after.year + 1), language="it_IT")
    return min((day, name) for day, name in names.items() if day > after + timedelta(days=1))


async def test_a_slot_on_a_closed_day_asks_before_it_is_proposed(
    tg: EmulatorClient, app: App, frontdesk: RunningBot
) -> None:
    doctor = await make_doctor(tg, app, 8131, "Dott. Rossi")
    maria = await Someone.join(tg, 8132)
    await onboard(maria)
    await JOURNEYS["visit"](maria)
    await maria.tap("Invia")
    await notices_out(app)
    today = app.clock.now().astimezone(app.settings.tz).date()
    holiday, name = next_holiday(today)
    closed = today + timedelta(days=3)
    if closed == holiday:
        closed += timedelta(days=1)
    app.settings.extra_closed_days = [closed]
    before = len(await maria.bot_messages())

    await doctor.say(f"/slot 1 {closed:%d/%m} 11:00")
    assert f"{closed:%d/%m} lo studio è chiuso: proporre comunque?" in await doctor.last_text()
    await doctor.tap("No")
    assert "Richiesta n. 1 · Visita" in await doctor.last_text()

    await doctor.tap("Proponi orario")
    await doctor.say(f"{holiday:%d/%m} 10:30")
    warning = await doctor.last()
    assert f"{holiday:%d/%m} è festivo ({name}): proporre comunque?" in warning.content
    assert "Sì, proponi" in warning.buttons
    assert len(await maria.bot_messages()) == before  # nothing reached the patient yet
    await doctor.tap("Sì, proponi")
    proposal = await maria.last()
    assert "Confermo" in str(proposal.buttons)
    assert "Richiesta n. 1 · Visita" in await doctor.last_text()
