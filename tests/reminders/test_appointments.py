"""Appointment reminders at both offsets, Confirm and Cancel (staff told at once, refused inside
the notice), and staff marking attended or no-show after the slot, with the check-back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from bot.bootstrap import App
from flows.clock import FixedClock
from storage.tables import Appointment
from tests.flows.harness import Person
from tests.reminders.fakes import (
    FakePort,
    add_appointment,
    add_staff,
    advance,
    reminders,
)

Registered = Callable[[int], Awaitable[Person]]
WEDNESDAY_11 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # 11:00 in Rome


async def status_of(app: App, visit_id: int | None) -> str:
    async with app.database.uow() as uow:
        visit = await uow.session.get(Appointment, visit_id)
    assert visit is not None
    return visit.status


async def test_reminders_at_both_offsets_and_confirm(
    app: App, clock: FixedClock, port: FakePort, registered: Registered
) -> None:
    app.settings.appointment_reminders = "24h,2h"  # the 2-hour reminder, as an option
    maria = await registered(601)
    await add_appointment(app, 601, WEDNESDAY_11)
    await app.scheduler.run_once()
    assert port.to(601) == []
    await advance(app, clock, timedelta(hours=1))  # Tuesday 11:00: 24 hours before
    first = maria.last()
    assert "Promemoria: visita mer 25 nov, 11:00 (in studio)" in first.text
    await maria.tap("Sì, confermo")
    assert "la aspettiamo" in first.text
    await advance(app, clock, timedelta(hours=21, minutes=59))
    assert len(port.to(601)) == 1
    await advance(app, clock, timedelta(minutes=1))  # Wednesday 09:00: 2 hours before
    second = maria.last()
    assert second is not first
    assert "Promemoria: visita" in second.text
    await maria.tap("Sì, confermo")
    answers = [(r.payload["offset"], r.answer) for r in await reminders(app, "appointment")]
    assert answers == [(1440, "confirmed"), (120, "confirmed")]


async def test_default_reminders_three_days_and_one_day_before(
    app: App, clock: FixedClock, port: FakePort, registered: Registered
) -> None:
    """By default two reminders, 3 days and 1 day before; no 2-hour one."""
    maria = await registered(611)
    monday_11 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # 11:00 in Rome, six days ahead
    await add_appointment(app, 611, monday_11)
    await app.scheduler.run_once()
    offsets = [r.payload["offset"] for r in await reminders(app, "appointment")]
    assert offsets == [3 * 1440, 1440]
    await advance(app, clock, monday_11 - timedelta(days=3) - clock.now())  # Friday 11:00
    assert "Promemoria: visita lun 30 nov, 11:00 (in studio)" in maria.last().text
    await maria.tap("Sì, confermo")
    await advance(app, clock, timedelta(days=2))  # Sunday 11:00: a day before
    assert "Promemoria: visita lun 30 nov, 11:00" in maria.last().text
    await advance(app, clock, timedelta(hours=22, minutes=30))  # Monday 09:30
    sent = [m for m in port.to(611) if "Promemoria: visita" in m.text]
    assert len(sent) == 2


async def test_cancel_reaches_staff_at_once(
    app: App,
    clock: FixedClock,
    port: FakePort,
    registered: Registered,
    person: Callable[[int], Person],
) -> None:
    app.settings.appointment_reminders = "24h,2h"  # a later reminder to be called off
    await add_staff(app, 900)
    doctor = person(900)
    maria = await registered(602)
    visit = await add_appointment(app, 602, WEDNESDAY_11)
    await advance(app, clock, timedelta(hours=1))
    await maria.tap("Non posso")
    assert "Vuole davvero disdire" in maria.last().text
    await maria.tap("No, la tengo")
    assert "Viene?" in maria.last().text
    await maria.tap("Non posso")
    await maria.tap("Sì, disdico")
    assert "disdetta" in maria.last().text
    assert "Maria B. ha disdetto la visita di mer 25 nov, 11:00" in doctor.last().text
    assert await status_of(app, visit.id) == "cancelled"
    await advance(app, clock, timedelta(hours=23))
    assert len(port.to(602)) == 1  # the 2-hour reminder was called off
    assert [r.status for r in await reminders(app, "appointment")] == ["answered", "cancelled"]


async def test_cancel_refused_inside_the_notice(
    app: App, clock: FixedClock, port: FakePort, registered: Registered
) -> None:
    app.settings.appointment_reminders = "24h,2h"  # the 2-hour one falls inside the notice
    maria = await registered(603)
    visit = await add_appointment(app, 603, datetime(2026, 11, 24, 11, 30, tzinfo=UTC))
    await advance(app, clock, timedelta(minutes=30))  # 10:30 in Rome: 2 hours before 12:30
    assert "Viene?" in maria.last().text
    clock.advance(timedelta(hours=1, minutes=10))  # 11:40: within the hour's notice
    await maria.tap("Non posso")
    assert "per disdire telefoni allo studio, 06 1234567" in maria.last().text
    assert await status_of(app, visit.id) == "confirmed"


async def test_staff_mark_attended_and_the_check_back_follows(
    app: App,
    clock: FixedClock,
    port: FakePort,
    registered: Registered,
    person: Callable[[int], Person],
) -> None:
    await add_staff(app, 901, "Dott. Verdi")
    doctor = person(901)
    maria = await registered(604)
    visit = await add_appointment(app, 604, datetime(2026, 11, 24, 9, 30, tzinfo=UTC))
    await advance(app, clock, timedelta(minutes=89))
    assert port.to(901) == []
    await advance(app, clock, timedelta(minutes=1))  # an hour after the slot
    assert "Visita di Maria B." in doctor.last().text
    await doctor.tap("Presente")
    assert "effettuata — segnata da Dott. Verdi" in doctor.last().text
    assert await status_of(app, visit.id) == "attended"
    await advance(app, clock, timedelta(days=7))  # the check-back, a week on at 10:00
    assert "Come sta dopo la visita?" in maria.last().text
    await maria.tap("Peggio")
    assert "Lo abbiamo detto al medico" in maria.last().text
    assert "dice di stare peggio" in doctor.last().text


async def test_no_show(
    app: App,
    clock: FixedClock,
    port: FakePort,
    registered: Registered,
    person: Callable[[int], Person],
) -> None:
    await add_staff(app, 902)
    doctor = person(902)
    await registered(605)
    visit = await add_appointment(app, 605, datetime(2026, 11, 24, 9, 30, tzinfo=UTC))
    await advance(app, clock, timedelta(hours=2))
    await doctor.tap("Non presentato")
    assert await status_of(app, visit.id) == "no_show"
    assert [r.kind for r in await reminders(app, "checkback")] == []
