"""The outbound queue: 429 with retry_after, network errors with backoff, 403 marks the patient
unreachable and tells staff, and nothing goes out twice after a crash."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.bootstrap import App
from flows.clock import FixedClock
from scheduler.port import SendResult
from scheduler.service import ReminderScheduler
from storage.tables import OutboundMessage
from tests.flows.harness import Person
from tests.reminders.fakes import (
    FakePort,
    Ticker,
    add_staff,
    add_therapy,
    advance,
    outbox,
    patient_of,
    reminders,
)

Registered = Callable[[int], Awaitable[Person]]


async def due_dose(app: App, clock: FixedClock, telegram_id: int) -> None:
    """A dose at 10:30, with the clock moved there and the reminder queued, not yet sent."""
    await add_therapy(app, telegram_id, times=["10:30"])
    clock.advance(timedelta(minutes=30))
    await app.scheduler.cycle()


async def test_429_waits_as_long_as_telegram_says(
    app: App, clock: FixedClock, port: FakePort, ticker: Ticker, registered: Registered
) -> None:
    await registered(801)
    await due_dose(app, clock, 801)
    port.script(SendResult.retry(3), chat_id=801)
    started = ticker.now
    await app.scheduler.run_once()
    [row] = await outbox(app)
    assert (row.status, row.last_error) == ("pending", "Too Many Requests")
    assert row.not_before == clock.now() + timedelta(seconds=3)
    assert app.scheduler.limiter.paused_for == 3
    await advance(app, clock, timedelta(seconds=2))
    assert len(port.attempts) == 1
    await advance(app, clock, timedelta(seconds=1))
    assert len(port.attempts) == 2
    assert ticker.now - started >= 3  # the limiter held everything back meanwhile
    assert [m.chat_id for m in port.sent] == [801]
    [row] = await outbox(app)
    assert (row.status, row.attempts, row.payload) == ("sent", 2, {})


async def test_network_errors_retry_with_backoff(
    app: App, clock: FixedClock, port: FakePort, registered: Registered
) -> None:
    await registered(802)
    await due_dose(app, clock, 802)
    port.script(SendResult.transient("Bad Gateway"), SendResult.transient("TimedOut"))
    await app.scheduler.run_once()
    for _ in range(10):
        await advance(app, clock, timedelta(seconds=1))
    [row] = await outbox(app)
    assert (row.status, row.attempts) == ("sent", 3)
    assert len(port.sent) == 1


async def test_403_marks_unreachable_and_tells_staff_once(
    app: App,
    clock: FixedClock,
    port: FakePort,
    registered: Registered,
    person: Callable[[int], Person],
) -> None:
    await add_staff(app, 900)
    doctor = person(900)
    maria = await registered(803)
    await due_dose(app, clock, 803)
    port.script(SendResult.blocked("Forbidden: bot was blocked by the user"), chat_id=803)
    await app.scheduler.run_once()
    patient = await patient_of(app, 803)
    assert not patient.reachable
    assert "Maria B. (paziente n. 1) ha bloccato il bot" in doctor.last().text
    [row, *_] = await outbox(app)
    assert row.status == "undeliverable"
    statuses = {r.status for r in await reminders(app, "therapy_dose")}
    assert statuses == {"missed", "cancelled"}  # today's dose, and what was planned after it
    await app.scheduler.on_unreachable(803)  # the renderer's hook, later: nothing new to say
    await app.scheduler.run_once()
    assert sum("ha bloccato il bot" in t for t in doctor.texts()) == 1
    await maria.text("/menu")  # writing again means the bot is unblocked
    assert (await patient_of(app, 803)).reachable


async def test_a_rejected_message_fails_without_retrying(
    app: App, clock: FixedClock, port: FakePort, registered: Registered
) -> None:
    await registered(804)
    await due_dose(app, clock, 804)
    port.script(SendResult.rejected("Bad Request: chat not found"))
    await advance(app, clock, timedelta(minutes=5))
    [row] = await outbox(app)
    assert (row.status, row.last_error) == ("failed", "Bad Request: chat not found")
    dose = (await reminders(app, "therapy_dose"))[0]
    assert (dose.status, dose.payload["missed"]) == ("missed", "undelivered")


async def crashed(app: App, status: str, *, minutes_ago: int) -> OutboundMessage:
    """Leave the queued row as a worker that died would have."""
    [row] = [r for r in await outbox(app) if r.status == "pending"]
    async with app.database.uow() as uow:
        stored = await uow.session.get(OutboundMessage, row.id)
        assert stored is not None
        stored.status, stored.claimed_by = status, "dead-worker"
        stored.claimed_until = app.clock.now() - timedelta(minutes=minutes_ago)
        uow.session.add(stored)
        await uow.commit()
    return stored


async def test_a_claim_never_tried_is_sent_once_after_a_crash(
    app: App, clock: FixedClock, port: FakePort, registered: Registered
) -> None:
    await registered(805)
    await due_dose(app, clock, 805)
    # Its lease still runs, but this worker leads now: whoever claimed it is gone.
    await crashed(app, "claimed", minutes_ago=-1)
    await app.scheduler.run_once()
    await app.scheduler.run_once()
    assert len(port.to(805)) == 1
    [row] = await outbox(app)
    assert (row.status, row.attempts) == ("sent", 1)


async def test_a_send_cut_short_by_a_crash_is_never_repeated(
    app: App, clock: FixedClock, port: FakePort, registered: Registered
) -> None:
    maria = await registered(806)
    await due_dose(app, clock, 806)
    await crashed(app, "sending", minutes_ago=-1)
    for _ in range(3):
        await advance(app, clock, timedelta(minutes=1))
    assert port.to(806) == []
    [row] = await outbox(app)
    assert (row.status, row.payload) == ("uncertain", {})
    dose = (await reminders(app, "therapy_dose"))[0]
    assert (dose.status, dose.payload.get("uncertain")) == ("sent", True)
    await advance(app, clock, timedelta(hours=1))  # its window closes like any sent dose
    assert (await reminders(app, "therapy_dose"))[0].status == "missed"
    assert maria.texts()[-1] != ""


async def test_two_dispatchers_send_each_message_once(
    app: App, clock: FixedClock, port: FakePort, ticker: Ticker, registered: Registered
) -> None:
    for user in range(810, 830):
        await registered(user)
        await add_therapy(app, user, times=["10:30"])
    clock.advance(timedelta(minutes=30))
    await app.scheduler.cycle()
    other = ReminderScheduler(app.desk, worker="second-worker")
    other.limiter = app.scheduler.limiter
    other.bind(port)
    assert app.scheduler.dispatcher is not None
    assert other.dispatcher is not None
    import asyncio

    await asyncio.gather(app.scheduler.dispatcher.drain(), other.dispatcher.drain())
    chats = [m.chat_id for m in port.sent]
    assert sorted(chats) == list(range(810, 830))
