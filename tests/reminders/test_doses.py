"""Therapy reminders end to end through the engine and the scheduler, with a moved clock:
Taken, Snooze, Skip, no answer, the grace window, and the refill loop into the inbox."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlmodel import select

from bot.bootstrap import App
from flows.clock import FixedClock
from storage.tables import Request, Therapy
from tests.flows.harness import Person
from tests.reminders.fakes import FakePort, add_staff, add_therapy, advance, outbox, reminders

Registered = Callable[[int], Awaitable[Person]]


def button(person: Person, label: str) -> tuple[str, int]:
    """A button's data and its message, to tap again later."""
    shown, found = person.find_button(label)
    assert found.data is not None
    return found.data, shown.message_id


async def test_taken_is_recorded_and_counts_the_pills(
    app: App, clock: FixedClock, port: FakePort, registered: Registered
) -> None:
    maria = await registered(501)
    therapy = await add_therapy(app, 501, times=["10:30"], pills_per_box=28, pills_left=20)
    await app.scheduler.run_once()
    assert port.to(501) == []  # planned, not due yet
    await advance(app, clock, timedelta(minutes=30))  # 10:30 in Rome
    assert "10:30: è l'ora di Ramipril 5 mg" in maria.last().text
    again = button(maria, "Presa")
    await maria.tap("Presa")
    assert "Ramipril 5 mg: presa alle 10:30" in maria.last().text
    assert [b.label for row in maria.last().buttons for b in row] == ["🏠 Menu"]
    dose = (await reminders(app, "therapy_dose"))[0]
    assert (dose.status, dose.answer) == ("answered", "taken")
    async with app.database.uow() as uow:
        stored = await uow.session.get(Therapy, therapy.id)
    assert stored is not None
    assert stored.pills_left == 19
    await maria.tap_data(*again)  # a second tap on the same button
    assert "già segnata come presa" in maria.last().text


async def test_snooze_then_skip(
    app: App, clock: FixedClock, port: FakePort, registered: Registered
) -> None:
    maria = await registered(502)
    await add_therapy(app, 502, times=["10:30"])
    await advance(app, clock, timedelta(minutes=30))
    await maria.tap("Tra 15 minuti")
    assert "glielo ricordo alle 10:45" in maria.last().text
    await advance(app, clock, timedelta(minutes=10))
    assert len(port.to(502)) == 1
    await advance(app, clock, timedelta(minutes=5))
    again = maria.last()
    assert "Promemoria delle 10:30 (rimandato)" in again.text  # not "it is 10:30" at 10:45
    await maria.tap("Salto")
    assert "saltata" in maria.last().text
    dose = (await reminders(app, "therapy_dose"))[0]
    assert (dose.status, dose.answer, dose.snoozes) == ("answered", "skipped", 1)
    keys = [row.idempotency_key for row in await outbox(app)]
    assert keys == [f"reminder:{dose.id}:0", f"reminder:{dose.id}:1"]


async def test_no_answer_is_missed_and_the_buttons_go(
    app: App, clock: FixedClock, port: FakePort, registered: Registered
) -> None:
    maria = await registered(503)
    await add_therapy(app, 503, times=["10:30"])
    await advance(app, clock, timedelta(minutes=30))
    sent = maria.last()
    await advance(app, clock, timedelta(minutes=59))
    dose = (await reminders(app, "therapy_dose"))[0]
    assert dose.status == "sent"
    await advance(app, clock, timedelta(minutes=1))
    dose = (await reminders(app, "therapy_dose"))[0]
    assert dose.status == "missed"
    assert "non confermata" in sent.text
    assert sent.buttons == ()


async def test_a_late_answer_still_counts(
    app: App, clock: FixedClock, port: FakePort, registered: Registered
) -> None:
    maria = await registered(504)
    await add_therapy(app, 504, times=["10:30"])
    await advance(app, clock, timedelta(minutes=30))
    late = button(maria, "Presa")
    await advance(app, clock, timedelta(hours=2))
    await maria.tap_data(*late)
    dose = (await reminders(app, "therapy_dose"))[0]
    assert (dose.status, dose.answer) == ("answered", "taken")


async def test_missed_while_down_within_grace_is_sent_late_else_recorded(
    app: App, clock: FixedClock, port: FakePort, registered: Registered
) -> None:
    maria = await registered(505)
    await add_therapy(app, 505, times=["10:30", "10:40"])
    await app.scheduler.run_once()
    clock.advance(timedelta(minutes=70))  # down from 10:00 to 11:10: 10:30 is 40' late, 10:40 30'
    await app.scheduler.run_once()
    first, second, *_ = await reminders(app, "therapy_dose")
    assert (first.status, first.payload.get("missed"), first.sent_at) == ("missed", "late", None)
    assert second.status == "sent"
    assert [m.text for m in port.to(505)] == [maria.last().text]
    assert "10:40" in maria.last().text


async def test_planning_twice_plans_once(app: App, clock: FixedClock, port: FakePort,
                                         registered: Registered) -> None:  # fmt: skip
    await registered(506)
    therapy = await add_therapy(app, 506, times=["08:00", "20:00"])
    for _ in range(3):
        await app.scheduler.run_once()
    doses = await reminders(app, "therapy_dose")
    # Today 20:00 (08:00 is past: the therapy was just set up), and both of tomorrow's.
    assert [d.idempotency_key for d in doses] == [
        f"dose:{therapy.id}:2026-11-24:20:00",
        f"dose:{therapy.id}:2026-11-25:08:00",
        f"dose:{therapy.id}:2026-11-25:20:00",
    ]


async def test_refill_loop_files_a_repeat_prescription(
    app: App, clock: FixedClock, port: FakePort, registered: Registered,
    person: Callable[[int], Person],
) -> None:  # fmt: skip
    await add_staff(app, 900)
    doctor = person(900)
    maria = await registered(507)
    therapy = await add_therapy(app, 507, times=["10:30"], pills_per_box=28, pills_left=4)
    await advance(app, clock, timedelta(minutes=30))
    reminder = maria.last()
    assert "Restano 4 compresse" in reminder.text
    await maria.tap("Chiedi la ricetta")
    assert "Ricetta chiesta: richiesta n. 1" in reminder.text
    async with app.database.uow() as uow:
        request = (await uow.session.exec(select(Request))).one()
        stored = await uow.session.get(Therapy, therapy.id)
    assert (request.kind, request.state) == ("prescription", "new")
    values = {line.get("value") for line in request.answers["_lines"]}
    assert "Ramipril 5 mg" in values
    assert stored is not None
    assert stored.refill_request_id == request.id
    assert any("Nuova richiesta n. 1" in t for t in doctor.texts())
    assert any("Richiesta n. 1" in t for t in maria.texts())  # the live status card
    await maria.tap("Presa")  # the reminder still awaits its answer
    assert "Ricetta già chiesta (richiesta n. 1)" in reminder.text
    await maria.tap("Ho la scatola nuova")
    async with app.database.uow() as uow:
        stored = await uow.session.get(Therapy, therapy.id)
    assert stored is not None
    assert (stored.pills_left, stored.refill_request_id) == (31, None)
