"""Follow-up: the one-tap rating after a request is closed, and what /stats makes of it all."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlmodel import select

from bot.bootstrap import App
from flows.clock import FixedClock
from storage.tables import Rating
from tests.flows.harness import Person
from tests.reminders.fakes import FakePort, add_staff, add_therapy, advance, reminders

Registered = Callable[[int], Awaitable[Person]]


async def file_question(patient: Person) -> None:
    await patient.tap("Domanda")
    await patient.tap("non è urgente")
    await patient.tap("Terapia")
    await patient.text("Posso prendere due compresse?")
    await patient.tap("Invia")


async def test_rating_after_close(
    app: App,
    clock: FixedClock,
    port: FakePort,
    registered: Registered,
    person: Callable[[int], Person],
) -> None:
    await add_staff(app, 900)
    doctor = person(900)
    maria = await registered(701)
    await file_question(maria)
    await doctor.text("/close 1")
    await advance(app, clock, timedelta(minutes=119))
    assert port.to(701) == []
    await advance(app, clock, timedelta(minutes=1))
    ask = maria.last()
    assert "La sua richiesta n. 1 (Domanda) è chiusa" in ask.text
    assert [b.label for b in ask.buttons[0]] == ["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐"]
    await maria.tap("4 ⭐")
    assert "Grazie! Richiesta n. 1: ⭐⭐⭐⭐" in ask.text
    async with app.database.uow() as uow:
        [rating] = (await uow.session.exec(select(Rating))).all()
    assert (rating.request_id, rating.score) == (1, 4)
    [reminder] = await reminders(app, "rating")
    assert (reminder.status, reminder.answer) == ("answered", "4")
    await doctor.text("/stats")
    assert any("Soddisfazione: 4.0/5 (1 voto)" in t for t in doctor.texts())


async def test_rating_is_asked_once(
    app: App,
    clock: FixedClock,
    port: FakePort,
    registered: Registered,
    person: Callable[[int], Person],
) -> None:
    await add_staff(app, 901)
    doctor = person(901)
    maria = await registered(702)
    await file_question(maria)
    await doctor.text("/close 1")
    for _ in range(3):
        await advance(app, clock, timedelta(hours=2))
    assert len([m for m in port.to(702) if "è chiusa" in m.text]) == 1


async def test_stats_show_adherence_and_appointments(
    app: App,
    clock: FixedClock,
    port: FakePort,
    registered: Registered,
    person: Callable[[int], Person],
) -> None:
    await add_staff(app, 903)
    doctor = person(903)
    maria = await registered(703)
    await add_therapy(app, 703, times=["10:30", "10:45", "11:00"])
    await advance(app, clock, timedelta(minutes=30))
    await maria.tap("Presa")
    await advance(app, clock, timedelta(minutes=15))
    await maria.tap("Salto")
    await advance(app, clock, timedelta(minutes=15))
    await advance(app, clock, timedelta(hours=2))  # 11:00 goes unanswered
    await doctor.text("/stats 7d")
    stats = "\n".join(doctor.texts())
    assert "Promemoria: consegnati 100% (3 su 3)" in stats
    assert "aderenza alle terapie 33% (1 prese, 1 saltate, 1 senza risposta)" in stats
