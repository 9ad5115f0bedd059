"""The staff desk through the engine, without network: inbox, card, actions, races, stats."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlmodel import select

from bot.bootstrap import App
from flows.clock import FixedClock
from flows.housekeeping import tick
from storage.tables import Appointment, Patient, Request
from tests import clocks
from tests.flows.harness import Person
from tests.reminders.fakes import FakePort

Registered = Callable[[int], Awaitable[Person]]


async def add_staff(app: App, telegram_id: int, name: str, role: str = "doctor") -> None:
    async with app.database.uow() as uow:
        await uow.staff.upsert(telegram_id=telegram_id, name=name, role=role)
        await uow.commit()


async def file_question(patient: Person, text: str = "Posso prendere due compresse?") -> None:
    await patient.tap("Domanda")
    await patient.tap("non è urgente")
    await patient.tap("Terapia")
    await patient.text(text)
    await patient.tap("Invia")


async def request_state(app: App, number: int) -> str:
    async with app.database.uow() as uow:
        request = await uow.requests.get(request_id=number)
    assert request is not None
    return request.state


async def test_inbox_card_and_full_round_trip(
    app: App, registered: Registered, person: Callable[[int], Person]
) -> None:
    await add_staff(app, 900, "Dott. Rossi")
    maria = await registered(501)
    doctor = person(900)
    await file_question(maria)
    assert any("Nuova richiesta n. 1" in t for t in doctor.texts())
    await doctor.text("/inbox")
    inbox = doctor.last().text
    assert "1 richieste aperte" in inbox
    assert "nuova: 1" in inbox
    await doctor.tap("#1")
    card = doctor.last().text
    for expected in ("Bianchi", "BNCMRA80A41H501E", "Posso prendere"):
        assert expected in card
    await doctor.tap("Prendo io")
    assert await request_state(app, 1) == "in_progress"
    assert "in lavorazione" in maria.texts()[-1]
    await doctor.text("/ask 1 Da quanti giorni?")
    assert await request_state(app, 1) == "waiting_patient"
    assert "Da quanti giorni?" in maria.last().text
    await maria.tap("Rispondi")
    await maria.text("Da tre giorni")
    assert await request_state(app, 1) == "in_progress"
    assert any("ha risposto alla richiesta n. 1" in t for t in doctor.texts())
    await doctor.text("/ready 1 NRE 1234ABCD5678")
    assert await request_state(app, 1) == "ready"
    ready = maria.last()
    assert "NRE 1234ABCD5678" in ready.text
    assert ready.protect
    await doctor.text("/close 1")
    assert await request_state(app, 1) == "closed"
    async with app.database.uow() as uow:
        actions = [e.action for e in await uow.requests.events(request_id=1)]
    assert actions == ["submit", "take", "ask", "answer", "ready", "close"]


async def test_bad_staff_input_gets_one_clear_line(
    app: App, registered: Registered, person: Callable[[int], Person]
) -> None:
    await add_staff(app, 901, "Anna", "assistant")
    maria = await registered(502)
    anna = person(901)
    await file_question(maria)
    await anna.text("/take 999")
    assert "n. 999 non esiste" in anna.last().text
    await anna.text("/close abc")
    assert "Si usa così" in anna.last().text
    await anna.text("/reject 1")
    assert "serve il motivo" in anna.last().text
    await anna.text("/snooze 1 31/02")
    assert "Data non valida" in anna.last().text
    await anna.text("/slot 1 25/11 10:30")
    assert "non è una visita" in anna.last().text
    assert await request_state(app, 1) == "new"
    await anna.text("/reject 1 Serve una visita")
    assert await request_state(app, 1) == "rejected"
    assert "Motivo: Serve una visita" in maria.last().text
    await anna.text("/take 1")
    assert "è già respinta" in anna.last().text


async def test_snooze_wakes_by_itself(
    app: App, clock: FixedClock, registered: Registered, person: Callable[[int], Person]
) -> None:
    await add_staff(app, 902, "Dott. Rossi")
    maria = await registered(503)
    doctor = person(902)
    await file_question(maria)
    await doctor.text("/snooze 1 27/11")
    assert await request_state(app, 1) == "snoozed"
    assert "in sospeso fino a" in maria.last().text
    await tick(app.desk)
    assert await request_state(app, 1) == "snoozed"
    clock.advance(timedelta(days=3))
    await doctor.renderer.render(await tick(app.desk))
    assert await request_state(app, 1) == "in_progress"
    assert "di nuovo in lavorazione" in maria.last().text


async def test_visit_slot_round_trip(
    app: App, registered: Registered, person: Callable[[int], Person]
) -> None:
    await add_staff(app, 903, "Dott. Rossi")
    maria = await registered(504)
    doctor = person(903)
    async with app.database.uow() as uow:
        patient = (await uow.session.exec(select(Patient))).one()
        uow.session.add(
            Request(kind="visit", patient_id=patient.id, answers={}, due_at=app.clock.now())
        )
        await uow.commit()
    await doctor.text("/slot 1 ieri 10:30")
    assert "già passato" in doctor.last().text or "Non riesco" in doctor.last().text
    await doctor.text("/slot 1 26/11 10:30")
    assert "26 nov" in maria.last().text
    await maria.tap("Vorrei un altro orario")
    assert any("chiede un altro orario" in t for t in doctor.texts())
    await doctor.text("/slot 1 27/11 9:00")
    await maria.tap("Confermo")
    async with app.database.uow() as uow:
        statuses = [a.status for a in (await uow.session.exec(select(Appointment))).all()]
    assert sorted(statuses) == ["confirmed", "declined"]
    assert await request_state(app, 1) == "ready"


async def test_verification_and_blocking(
    app: App, registered: Registered, person: Callable[[int], Person]
) -> None:
    await add_staff(app, 904, "Anna", "assistant")
    maria = await registered(505)
    anna = person(904)
    await anna.text("/patients")
    assert "Bianchi" in anna.last().text
    await anna.tap("Blocca")
    assert "sospeso" in maria.last().text
    await maria.tap("Domanda")
    assert "sospeso" in maria.last().text


async def test_a_patient_never_reaches_the_staff_desk(
    app: App, registered: Registered, person: Callable[[int], Person]
) -> None:
    await add_staff(app, 905, "Dott. Rossi")
    maria = await registered(506)
    await file_question(maria)
    await maria.text("/inbox")
    assert "Menu principale" in maria.last().text
    await maria.text("/take 1")
    assert "Menu principale" in maria.last().text
    doctor = person(905)
    await doctor.text("/inbox")
    _, take = doctor.find_button("#1")
    assert take.data is not None
    await maria.tap_data(take.data)  # a staff button replayed from the patient's chat
    assert "non è più valido" in maria.last().text
    assert await request_state(app, 1) == "new"


async def test_two_staff_take_at_once(
    app: App, registered: Registered, person: Callable[[int], Person]
) -> None:
    await add_staff(app, 906, "Dott. Rossi")
    await add_staff(app, 907, "Anna", "assistant")
    maria = await registered(507)
    await file_question(maria)
    rossi, anna = person(906), person(907)
    await asyncio.gather(rossi.text("/take 1"), anna.text("/take 1"))
    loser = rossi if "è già" in rossi.last().text else anna
    assert "è già" in loser.last().text
    assert "presa in carico" in loser.last().text


async def test_stats_with_a_chart(
    app: App, registered: Registered, person: Callable[[int], Person]
) -> None:
    await add_staff(app, 908, "Dott. Rossi")
    maria = await registered(508)
    doctor = person(908)
    await file_question(maria)
    await doctor.text("/take 1")
    await doctor.text("/stats 7d")
    texts = doctor.texts()
    assert any("Ultimi 7 giorni: 1 richieste" in t for t in texts)
    await doctor.text("/stats forever")
    assert "Si usa così" in doctor.last().text


async def test_out_of_hours_notices_wait_for_one_digest_at_opening(
    app: App, clock: FixedClock, registered: Registered, person: Callable[[int], Person]
) -> None:
    await add_staff(app, 909, "Dott. Rossi")
    doctor = person(909)
    clock.advance(timedelta(hours=12))  # Tuesday 22:00 in Rome: closed
    maria = await registered(509)
    await file_question(maria, "Prima domanda")
    await file_question(maria, "Seconda domanda")
    assert not any("Nuova richiesta" in t for t in doctor.texts())
    assert "alla riapertura" in maria.renderer.chat(maria.sender.chat_id)[-2].text
    await doctor.renderer.render(await tick(app.desk))
    assert not any("Nuova richiesta" in t for t in doctor.texts())
    clock.advance(timedelta(hours=11))  # Wednesday 09:00: open
    await doctor.renderer.render(await tick(app.desk))
    digests = [t for t in doctor.texts() if "Mentre lo studio era chiuso" in t]
    assert len(digests) == 1
    assert "n. 1" in digests[0]
    assert "n. 2" in digests[0]
    assert "Prima domanda" not in digests[0]  # numbers and kinds only, never the answers
    await doctor.renderer.render(await tick(app.desk))
    assert len([t for t in doctor.texts() if "Mentre lo studio era chiuso" in t]) == 1


async def test_notices_go_through_the_outbox_at_once_while_open_even_at_night(
    app: App, clock: FixedClock, registered: Registered, person: Callable[[int], Person]
) -> None:
    app.settings.opening_hours = "mon-sun 00:00-23:59"
    await add_staff(app, 914, "Dott. Rossi")
    doctor = person(914)
    clock.advance(timedelta(hours=13))  # Tuesday 23:00 in Rome: quiet hours, the practice open
    maria = await registered(514)
    await file_question(maria)
    assert any("Nuova richiesta n. 1" in t for t in doctor.texts())
    port = app.scheduler.port
    assert isinstance(port, FakePort)
    assert [m.chat_id for m in port.sent] == [914]  # the dispatcher sent it, not the reply


async def test_staff_menus_follow_the_staff_table(app: App) -> None:
    await add_staff(app, 910, "Dott. Rossi")
    first = await tick(app.desk, force_menus=True)
    chats = {menu.chat_id for menu in first.menus}
    assert chats == {None, 910}
    assert (await tick(app.desk)).menus == []
    async with app.database.uow() as uow:
        await uow.staff.deactivate(telegram_id=910)
        await uow.commit()
    removed = (await tick(app.desk)).menus
    assert any(menu.chat_id == 910 and menu.commands == () for menu in removed)


async def test_two_staff_take_at_once_on_postgresql(tmp_path: object) -> None:
    """The same race with real row locks: one wins, the other is told who did what."""
    from bot.bootstrap import bootstrap
    from flows.settings import Settings
    from storage import migrate
    from storage.uow import Database
    from tests.conftest import POSTGRES_URL, PostgresSchema, require_postgres
    from tests.flows.conftest import MONDAY_10, onboard
    from tests.flows.harness import RecordingRenderer

    await require_postgres()
    schema = PostgresSchema()
    await schema.create()
    database = Database(POSTGRES_URL, search_path=schema.name)
    try:
        await migrate.upgrade(database.engine)
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=POSTGRES_URL,
            **clocks.HOURS,
        )
        app = await bootstrap(settings, clock=FixedClock(MONDAY_10), database=database)
        await add_staff(app, 911, "Dott. Rossi")
        await add_staff(app, 912, "Anna", "assistant")
        renderer = RecordingRenderer()
        maria = Person(app.desk, renderer, 513)
        await onboard(maria)
        await file_question(maria)
        rossi, anna = Person(app.desk, renderer, 911), Person(app.desk, renderer, 912)
        await asyncio.gather(rossi.text("/take 1"), anna.text("/take 1"))
        answers = [rossi.last().text, anna.last().text]
        assert sum("è già" in text for text in answers) == 1
        async with database.uow() as uow:
            events = [e.action for e in await uow.requests.events(request_id=1)]
        assert events == ["submit", "take"]
    finally:
        await database.dispose()
        await schema.drop()
