"""The scheduler on the real clock: APScheduler wakes it for a reminder due in a moment, the
dispatcher sends it once, and shutdown leaves nothing claimed. Also the quiet hours end to end.

"The real clock" ticks in real time from the test's moment (tests/clocks.py), so these run at
FRONTDESK_CLOCK's hour too; quiet hours are off where the hour is not what is tested."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.bootstrap import App, bootstrap
from flows.clock import FixedClock
from flows.reminders.plans import reminder_row
from flows.reply import Outgoing
from flows.settings import Settings
from scheduler.port import SendResult
from storage.repositories.reminders import ReminderRepository
from storage.tables import Therapy
from tests import clocks
from tests.factories import make_patient
from tests.flows.harness import Person, RecordingRenderer
from tests.reminders.fakes import FakePort, add_appointment, advance, outbox, reminders

Registered = Callable[[int], Awaitable[Person]]


class ArrivalPort(FakePort):
    arrived: asyncio.Event

    async def send(self, message: Outgoing) -> SendResult:
        result = await super().send(message)
        self.arrived.set()
        return result


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[App]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'live.db'}",
        quiet_hours="off",
    )
    application = await bootstrap(settings, clock=clocks.clock())
    yield application
    await application.close()


async def test_a_reminder_a_moment_ahead_goes_out_on_time(live: App) -> None:
    patient = await make_patient(live.database, telegram_id=4242)
    now = live.clock.now()
    today = now.astimezone(live.settings.tz).date()
    async with live.database.uow() as uow:
        therapy = Therapy(patient_id=patient.id or 0, medicine="Ramipril", times=["08:00"],
                          start_date=today, planned_until=today + timedelta(days=1))  # fmt: skip
        uow.session.add(therapy)
        await uow.session.flush()
        due = now + timedelta(seconds=1.5)
        row = reminder_row("therapy_dose", "dose:test", due, now, patient_id=patient.id,
                           therapy_id=therapy.id, payload={"time": "08:00"})  # fmt: skip
        await ReminderRepository(uow.session).plan(rows=[row])
        await uow.commit()
    port = ArrivalPort(RecordingRenderer())
    port.arrived = asyncio.Event()
    await live.scheduler.start(port)
    try:
        await asyncio.wait_for(port.arrived.wait(), 10)
        arrived = live.clock.now()
    finally:
        await live.scheduler.shutdown()
    assert [m.chat_id for m in port.sent] == [4242]
    assert due <= arrived < due + timedelta(seconds=1.5)
    assert not live.scheduler.running
    assert {r.status for r in await outbox(live)} == {"sent"}
    await live.scheduler.shutdown()  # twice is harmless


async def test_start_twice_is_refused(live: App) -> None:
    port = FakePort(RecordingRenderer())
    await live.scheduler.start(port)
    try:
        with pytest.raises(RuntimeError, match="already running"):
            await live.scheduler.start(port)
    finally:
        await live.scheduler.shutdown()


async def test_appointment_reminders_wait_for_the_morning(
    app: App, clock: FixedClock, port: FakePort, registered: Registered
) -> None:
    app.settings.appointment_reminders = "24h,2h"  # the 2-hour reminder, as an option
    maria = await registered(1201)
    # Wednesday 09:00 in Rome: the 2-hour reminder falls at 07:00, inside quiet hours.
    await add_appointment(app, 1201, datetime(2026, 11, 25, 8, 0, tzinfo=UTC))
    await advance(app, clock, timedelta(hours=20))  # Wednesday 06:00
    await advance(app, clock, timedelta(hours=1, minutes=30))  # 07:30
    assert not any("Promemoria: visita" in m.text for m in port.to(1201))
    await advance(app, clock, timedelta(minutes=30))  # 08:00
    assert "Promemoria: visita mer 25 nov, 09:00" in maria.last().text
    sent = [r for r in await reminders(app, "appointment") if r.payload["offset"] == 120]
    assert sent[0].sent_at == clock.now()


async def test_catch_up_returns_once_a_jump_s_reminder_has_gone_out(tmp_path: Path) -> None:
    """The sandbox's time travel: the clock jumps, `catch_up` plans, queues and sends what fell
    due before it returns, so the next jump cannot overtake it."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'jump.db'}",
        quiet_hours="off",
    )
    clock = clocks.clock()
    application = await bootstrap(settings, clock=clock)
    patient = await make_patient(application.database, telegram_id=4343)
    now = clock.now()
    due = now + timedelta(hours=3)
    today = now.astimezone(settings.tz).date()
    async with application.database.uow() as uow:
        # Planned until tomorrow: only the row below is due, whatever the hour.
        therapy = Therapy(patient_id=patient.id or 0, medicine="Ramipril", times=["08:00"],
                          start_date=today, planned_until=today + timedelta(days=1))  # fmt: skip
        uow.session.add(therapy)
        await uow.session.flush()
        row = reminder_row("therapy_dose", "dose:jump", due, now, patient_id=patient.id,
                           therapy_id=therapy.id, payload={"time": "08:00"})  # fmt: skip
        await ReminderRepository(uow.session).plan(rows=[row])
        await uow.commit()
    port = FakePort(RecordingRenderer())
    await application.scheduler.start(port)
    try:
        assert await application.scheduler.catch_up()
        assert port.sent == []  # not due yet
        clock.advance(timedelta(hours=3))
        assert await application.scheduler.catch_up()
        assert [m.chat_id for m in port.sent] == [4343]  # already out, no waiting
    finally:
        await application.close()
