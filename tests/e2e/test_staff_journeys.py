"""The staff desk end to end over the emulator: a patient files, the doctor works the request in
the same bot, the patient's card follows; bad input and forged buttons change nothing."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.bootstrap import App
from bot.emulator import EmulatorClient
from flows.clock import ShiftedClock
from tests.e2e.conftest import RunningBot
from tests.e2e.people import Someone, onboard
from tests.e2e.test_patient_journeys import JOURNEYS, forged_tap, requests_of

pytestmark = pytest.mark.e2e
# Staff are told of new requests at once only while the practice is open; on a holiday (or at
# 23:59, when "always open" is over) the notices wait for the digest. These journeys expect them
# at once, so the bots here run from a Tuesday morning, whenever the suite runs.
TUESDAY_MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/Rome"))


@pytest.fixture
def bot_clock() -> ShiftedClock:
    return ShiftedClock.starting_at(TUESDAY_MORNING)


async def make_doctor(tg: EmulatorClient, app: App, user_id: int, name: str) -> Someone:
    async with app.database.uow() as uow:
        await uow.staff.upsert(telegram_id=user_id, name=name, role="doctor")
        await uow.commit()
    return await Someone.join(tg, user_id, first_name=name)


async def notices_out(app: App) -> None:
    """Staff notices leave through the outbox's dispatcher, beside the patient's reply and at
    one a second per chat: wait until it has sent what is due before reading staff chats."""
    assert await app.scheduler.catch_up(), "the outbox did not drain"


async def state_of(app: App, number: int) -> str:
    async with app.database.uow() as uow:
        request = await uow.requests.get(request_id=number)
    assert request is not None
    return request.state


async def test_every_kind_lands_in_the_inbox_and_is_worked_to_closed(
    tg: EmulatorClient, app: App, frontdesk: RunningBot
) -> None:
    app.settings.max_requests_per_day = 5  # this patient files one of each kind
    doctor = await make_doctor(tg, app, 8001, "Dott. Rossi")
    maria = await Someone.join(tg, 8002)
    await onboard(maria)
    for journey in JOURNEYS.values():
        await journey(maria)
        await maria.tap("Invia")
    await notices_out(app)
    notices = [t for t in await doctor.texts() if "Nuova richiesta" in t]
    assert len(notices) == 5
    await doctor.say("/inbox")
    inbox = await doctor.last_text()
    assert "5 richieste aperte" in inbox
    assert "nuova: 5" in inbox
    for number in range(1, 6):
        assert f"#{number} " in str((await doctor.last()).buttons)
    await doctor.tap("#4 ")  # the question
    card = await doctor.last_text()
    assert "stomaco vuoto" in card
    assert "BNCMRA80A41H501E" in card
    await doctor.tap("Prendo io")
    assert await state_of(app, 4) == "in_progress"
    assert "in lavorazione" in await maria.last_text()
    await doctor.say("/ask 4 Da quanti giorni prende il farmaco?")
    assert await state_of(app, 4) == "waiting_patient"
    assert "Da quanti giorni" in await maria.last_text()
    await maria.tap("Rispondi")
    await maria.say("Da una settimana")
    assert await state_of(app, 4) == "in_progress"
    await notices_out(app)
    assert any("ha risposto" in t for t in await doctor.texts())
    await doctor.say("/ready 4 Sì, mezz'ora prima di colazione")
    ready = await maria.last()
    assert "mezz'ora prima" in ready.content
    assert ready.protect_content
    await doctor.say("/close 4")
    assert await state_of(app, 4) == "closed"
    # The prescription: ready with the NRE code, straight from the inbox.
    await doctor.say("/ready 1 NRE 1200A4567890123")
    assert await state_of(app, 1) == "ready"
    code = await maria.last()
    assert "NRE 1200A4567890123" in code.content
    assert code.protect_content
    cards = [m for m in await maria.bot_messages() if "Richiesta n. 1 ·" in m.content]
    assert cards
    assert "pronta" in cards[0].content  # the live status card, edited in place
    await doctor.say("/reject 2 Serve una visita in studio")
    assert await state_of(app, 2) == "rejected"
    assert "Serve una visita in studio" in await maria.last_text()
    await doctor.say("/inbox")
    assert "3 richieste aperte" in await doctor.last_text()  # #1 ready, #3 and #5 new


async def test_visit_slot_round_trip_and_verification(
    tg: EmulatorClient, app: App, frontdesk: RunningBot
) -> None:
    doctor = await make_doctor(tg, app, 8011, "Dott. Rossi")
    maria = await Someone.join(tg, 8012)
    await onboard(maria)
    await JOURNEYS["visit"](maria)
    await maria.tap("Invia")
    await notices_out(app)
    await doctor.say("/slot 1 domani 25:99")
    assert "Non riesco a leggere" in await doctor.last_text()
    await doctor.say("/slot 1 30/12 10:30")
    assert "30 dic" in await maria.last_text()
    await maria.tap("Confermo")
    assert "confermata" in await maria.last_text()
    await notices_out(app)
    assert any("Visita confermata" in t for t in await doctor.texts())
    assert await state_of(app, 1) == "ready"
    await doctor.say("/patients")
    assert "Bianchi" in await doctor.last_text()
    await doctor.tap("Verifica")
    assert "verificato" in await doctor.last_text()


async def test_stats_come_with_a_chart(tg: EmulatorClient, app: App, frontdesk: RunningBot) -> None:
    doctor = await make_doctor(tg, app, 8021, "Dott. Rossi")
    maria = await Someone.join(tg, 8022)
    await onboard(maria)
    await JOURNEYS["question"](maria)
    await maria.tap("Invia")
    await notices_out(app)
    await doctor.say("/take 1")
    await doctor.say("/stats 30d")
    messages = await doctor.bot_messages()
    assert any("Ultimi 30 giorni: 1 richieste" in m.content for m in messages)
    assert messages[-1].kind == "photo"


async def test_bad_staff_input_and_forged_buttons_change_nothing(
    tg: EmulatorClient, app: App, frontdesk: RunningBot
) -> None:
    doctor = await make_doctor(tg, app, 8031, "Dott. Rossi")
    maria = await Someone.join(tg, 8032)
    await onboard(maria)
    await JOURNEYS["question"](maria)
    await maria.tap("Invia")
    await notices_out(app)
    for command, answer in (
        ("/take 99", "n. 99 non esiste"),
        ("/take uno", "Si usa così"),
        ("/reject 1", "serve il motivo"),
        ("/snooze 1 31/02", "Data non valida"),
        ("/slot 1 30/12 10:30", "non è una visita"),
        ("/close 1 " + "x" * 2000, "troppo lungo"),
    ):
        await doctor.say(command)
        assert answer in await doctor.last_text(), command
    assert await state_of(app, 1) == "new"
    await maria.say("/take 1")  # a patient typing a staff command gets the menu
    assert "Menu principale" in await maria.last_text()
    await doctor.say("/inbox")
    staff_button = (await doctor.last()).callback_data((await doctor.find("#1 "))[1])
    assert staff_button is not None
    menu = await maria.last()
    before = await tg.chat_seq(maria.id)
    await tg.inject_update(forged_tap(maria.id, menu.message_id, staff_button))
    await maria.settle(before)
    assert "non è più valido" in await maria.last_text()
    before = await tg.chat_seq(maria.id)
    await tg.inject_update(forged_tap(maria.id, menu.message_id, "1:a:1:take~AAAAAAAA"))
    await maria.settle(before)
    assert await state_of(app, 1) == "new"
    assert len(await requests_of(app)) == 1


async def test_two_staff_take_at_the_same_moment(
    tg: EmulatorClient, app: App, frontdesk: RunningBot
) -> None:
    rossi = await make_doctor(tg, app, 8041, "Dott. Rossi")
    anna = await make_doctor(tg, app, 8042, "Anna")
    maria = await Someone.join(tg, 8043)
    await onboard(maria)
    await JOURNEYS["question"](maria)
    await maria.tap("Invia")
    await notices_out(app)
    await asyncio.gather(rossi.say("/take 1"), anna.say("/take 1"))
    answers = [await rossi.last_text(), await anna.last_text()]
    refused = [text for text in answers if "è già" in text]
    assert len(refused) == 1
    assert "presa in carico" in refused[0]  # the loser is told who did what, and when
    async with app.database.uow() as uow:
        events = [e.action for e in await uow.requests.events(request_id=1)]
    assert events == ["submit", "take"]
