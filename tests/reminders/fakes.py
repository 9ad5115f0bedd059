"""A fake outbound port and small factories for reminder tests."""

from __future__ import annotations

import asyncio
import heapq
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import select

from bot.bootstrap import App
from flows.reply import CommandMenu, Outgoing, Reply
from scheduler.port import SendResult
from storage.tables import Appointment, OutboundMessage, Patient, Reminder, Therapy
from tests.flows.harness import RecordingRenderer


@dataclass
class FakePort:
    """Delivers into the recording renderer (so people can tap what arrives); `script` queues
    outcomes to return instead, per chat (or for any chat under None)."""

    renderer: RecordingRenderer
    sent: list[Outgoing] = field(default_factory=list)
    attempts: list[Outgoing] = field(default_factory=list)
    menus: list[CommandMenu] = field(default_factory=list)
    scripted: dict[int | None, deque[SendResult]] = field(default_factory=dict)

    def script(self, *results: SendResult, chat_id: int | None = None) -> None:
        self.scripted.setdefault(chat_id, deque()).extend(results)

    async def send(self, message: Outgoing) -> SendResult:
        self.attempts.append(message)
        for key in (message.chat_id, None):
            queue = self.scripted.get(key)
            if queue:
                return queue.popleft()
        delivered = await self.renderer.render(Reply([message]))
        self.sent.append(message)
        if message.edit_message_id is not None and message.edit_message_id in (
            self.renderer.messages
        ):
            return SendResult.sent(message.edit_message_id)
        shown = self.renderer.chat(message.chat_id)[-1]
        return SendResult.sent(delivered[0].message_id if delivered else shown.message_id)

    async def set_menus(self, menus: Sequence[CommandMenu]) -> None:
        self.menus.extend(menus)

    def to(self, chat_id: int) -> list[Outgoing]:
        return [m for m in self.sent if m.chat_id == chat_id]


class Ticker:
    """Virtual monotonic time for the rate limiter: sleepers wake in deadline order, one at a
    time, and the clock jumps to each deadline (nothing ever sleeps for real)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = 0
        self._advancing = False

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._seq += 1
        heapq.heappush(self._sleepers, (self.now + max(0.0, seconds), self._seq, future))
        self._schedule()
        await future

    def _schedule(self) -> None:
        if not self._advancing and self._sleepers:
            self._advancing = True
            asyncio.get_running_loop().call_soon(self._advance)

    def _advance(self) -> None:
        """Wake the earliest sleeper; the next one only after it has run."""
        self._advancing = False
        deadline, _, future = heapq.heappop(self._sleepers)
        self.now = max(self.now, deadline)
        if not future.done():
            future.set_result(None)
        if self._sleepers:
            self._advancing = True
            loop = asyncio.get_running_loop()
            loop.call_soon(lambda: loop.call_soon(self._advance))


async def patient_of(app: App, telegram_id: int) -> Patient:
    async with app.database.uow() as uow:
        patient = await uow.patients.by_telegram_id(telegram_id=telegram_id)
    assert patient is not None
    return patient


async def add_therapy(
    app: App,
    telegram_id: int,
    *,
    times: list[str],
    medicine: str = "Ramipril",
    start: date | None = None,
    **fields: Any,
) -> Therapy:
    patient = await patient_of(app, telegram_id)
    assert patient.id is not None
    today = app.clock.now().astimezone(app.settings.tz).date()
    async with app.database.uow() as uow:
        therapy = Therapy(
            patient_id=patient.id,
            medicine=medicine,
            dose="5 mg",
            times=times,
            start_date=start or today,
            created_at=app.clock.now(),
            **fields,
        )
        uow.session.add(therapy)
        await uow.commit()
    return therapy


async def add_staff(app: App, telegram_id: int, name: str = "Dott. Rossi") -> None:
    async with app.database.uow() as uow:
        await uow.staff.upsert(telegram_id=telegram_id, name=name, role="doctor")
        await uow.commit()


async def add_appointment(
    app: App, telegram_id: int, starts_at: datetime, *, request_id: int | None = None
) -> Appointment:
    patient = await patient_of(app, telegram_id)
    assert patient.id is not None
    now = app.clock.now()
    async with app.database.uow() as uow:
        visit = Appointment(
            patient_id=patient.id,
            request_id=request_id,
            starts_at=starts_at,
            status="confirmed",
            created_at=now,
            confirmed_at=now,
        )
        uow.session.add(visit)
        await uow.commit()
    return visit


async def reminders(app: App, kind: str | None = None) -> list[Reminder]:
    async with app.database.uow() as uow:
        query = select(Reminder).order_by(Reminder.due_at, Reminder.id)  # type: ignore[arg-type]
        if kind is not None:
            query = query.where(Reminder.kind == kind)
        return list((await uow.session.exec(query)).all())


async def outbox(app: App) -> list[OutboundMessage]:
    async with app.database.uow() as uow:
        query = select(OutboundMessage).where(OutboundMessage.queued == True)  # noqa: E712
        return list((await uow.session.exec(query.order_by(OutboundMessage.id))).all())  # type: ignore[arg-type]


async def advance(app: App, clock: Any, delta: timedelta) -> int:
    """Move the clock and run a scheduler pass and a drain, as a tick would."""
    clock.advance(delta)
    return await app.scheduler.run_once()
