"""Follow-up: the satisfaction question is asked once per closed request, and what /stats makes
of reminders. (The question itself: test_satisfaction.py.)"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.bootstrap import App
from flows.clock import FixedClock
from tests.flows.harness import Person
from tests.reminders.fakes import FakePort, add_staff, add_therapy, advance

Registered = Callable[[int], Awaitable[Person]]


async def file_question(patient: Person) -> None:
    await patient.tap("Domanda")
    await patient.tap("non è urgente")
    await patient.tap("Terapia")
    await patient.text("Posso prendere due compresse?")
    await patient.tap("Invia")


async def test_satisfaction_is_asked_once(
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
