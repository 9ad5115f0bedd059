"""Reminders end to end: the real bot, the real outbound port and the Bot API emulator (flood
control on), the practice's clock jumping from one due time to the next."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.emulator import ChatMessage, EmulatorClient
from storage.tables import (
    Appointment,
    Caregiver,
    OutboundMessage,
    Patient,
    Reminder,
    Request,
    SatisfactionAnswer,
    Therapy,
)
from tests.reminders.e2e.conftest import Live

pytestmark = pytest.mark.e2e
ROME = ZoneInfo("Europe/Rome")
DAY = datetime(2030, 1, 8).date()  # a Tuesday


def local(hour: int, minute: int = 0, days: int = 0) -> datetime:
    return datetime.combine(DAY + timedelta(days=days), time(hour, minute), tzinfo=ROME)


async def therapy(live: Live, patient: Patient, times: list[str], **fields: object) -> None:
    async with live.app.database.uow() as uow:
        uow.session.add(
            Therapy(patient_id=patient.id or 0, medicine="Ramipril", dose="5 mg", times=times,
                    start_date=DAY, created_at=live.clock.now(), **fields)  # type: ignore[arg-type]
        )  # fmt: skip
        await uow.commit()


async def arrives(
    tg: EmulatorClient, chat: int, seq: int, what: Callable[[ChatMessage], bool]
) -> ChatMessage:
    return await tg.wait_for_bot_message(chat, what, timeout=10, after_seq=seq)


def says(part: str) -> Callable[[ChatMessage], bool]:
    return lambda message: part in (message.text or "")


async def push(live: Live, chat: int, when: datetime, part: str) -> ChatMessage:
    """Jump to `when` and wait for the message containing `part` pushed into `chat`."""
    seq = await live.tg.chat_seq(chat)
    await live.jump(when)
    return await arrives(live.tg, chat, seq, says(part))


async def tap(live: Live, chat: int, message: ChatMessage, label: str, part: str) -> ChatMessage:
    seq = await live.tg.chat_seq(chat)
    await live.tg.tap(chat, label, message_id=message.message_id)
    return await arrives(live.tg, chat, seq, says(part))


async def rows(live: Live, model: type[object]) -> list[object]:
    async with live.app.database.uow() as uow:
        return list((await uow.session.exec(select(model))).all())  # type: ignore[call-overload]


async def once(tg: EmulatorClient, chat: int, part: str) -> None:
    """Pushed exactly once (edits keep their message, so they do not count twice)."""
    found = [m for m in await tg.transcript(chat) if m.from_bot and part in (m.text or "")]
    assert len(found) == 1, [m.text for m in found]


async def test_taken_snooze_skip_and_no_answer(live: Live) -> None:
    tg = live.tg
    maria = await live.patient(3001)
    await live.patient(3002, "Luca", "Bianchi")
    async with live.app.database.uow() as uow:
        uow.session.add(Caregiver(patient_id=maria.id or 0, token="t" * 16, status="active",
                                  caregiver_user_id=3002, caregiver_chat_id=3002, name="Luca",
                                  expires_at=live.clock.now()))  # fmt: skip
        await uow.commit()
    live.at(local(9, 50))
    await therapy(live, maria, ["10:00", "11:00", "12:00"])
    dose = await push(live, 3001, local(10), "10:00: è l'ora di Ramipril 5 mg")
    await tap(live, 3001, dose, "✅ Presa", "presa alle 10:00")
    dose = await push(live, 3001, local(11), "11:00: è l'ora")
    await tap(live, 3001, dose, "⏰ Tra 15 minuti", "glielo ricordo alle 11:15")
    again = await push(live, 3001, local(11, 15), "Promemoria delle 11:00 (rimandato)")
    await tap(live, 3001, again, "⏭ Salto questa", "saltata")
    noon = await push(live, 3001, local(12), "12:00: è l'ora")
    await push(live, 3002, local(13), "Maria B. non ha confermato la dose di Ramipril 5 mg")
    edited = [m for m in await tg.transcript(3001) if m.message_id == noon.message_id]
    assert "non confermata" in (edited[0].text or "")
    assert edited[0].reply_markup in (None, {}, {"inline_keyboard": []})
    doses = sorted(
        (r for r in await rows(live, Reminder) if isinstance(r, Reminder) and r.sent_at),
        key=lambda r: r.due_at,
    )
    assert [(r.status, r.answer) for r in doses] == [
        ("answered", "taken"), ("answered", "skipped"), ("missed", None),
    ]  # fmt: skip
    await once(tg, 3002, "non ha confermato")


async def test_refill_loop_into_the_inbox(live: Live) -> None:
    maria = await live.patient(3011)
    await live.staff(3019)
    live.at(local(9, 50))
    await therapy(live, maria, ["10:00"], pills_per_box=28, pills_left=3)
    dose = await push(live, 3011, local(10), "Restano 3 compresse")
    await tap(live, 3011, dose, "🔁 Chiedi la ricetta", "Richiesta n. 1 · Ricetta")
    [request] = await rows(live, Request)
    assert isinstance(request, Request)
    assert (request.kind, request.state) == ("prescription", "new")
    await tg_staff_sees(live.tg, 3019, "Nuova richiesta n. 1")


async def tg_staff_sees(tg: EmulatorClient, chat: int, part: str) -> None:
    await tg.wait_for_bot_message(chat, says(part), timeout=10, after_seq=0)


async def test_appointment_reminders_confirm_and_cancel(live: Live) -> None:
    live.app.settings.appointment_reminders = "24h,2h"  # the 2-hour reminder, as an option
    maria = await live.patient(3021)
    await live.staff(3029)
    live.at(local(9))
    now = live.clock.now()
    async with live.app.database.uow() as uow:
        for hour in (11, 16):
            visit = Appointment(
                patient_id=maria.id or 0,
                starts_at=local(hour, days=1),
                status="confirmed",
                created_at=now,
                confirmed_at=now,
            )
            uow.session.add(visit)
        await uow.commit()
    first = await push(live, 3021, local(11), "Promemoria: visita mer 9 gen, 11:00")
    await tap(live, 3021, first, "✅ Sì, confermo", "la aspettiamo")
    second = await push(live, 3021, local(16), "Promemoria: visita mer 9 gen, 16:00")
    sure = await tap(live, 3021, second, "❌ Non posso, disdico", "Vuole davvero disdire")
    seq = await live.tg.chat_seq(3029)
    await tap(live, 3021, sure, "❌ Sì, disdico la visita", "disdetta")
    await arrives(live.tg, 3029, seq, says("Maria B. ha disdetto la visita di mer 9 gen, 16:00"))
    again = await push(live, 3021, local(9, days=1), "Promemoria: visita mer 9 gen, 11:00")
    await tap(live, 3021, again, "✅ Sì, confermo", "la aspettiamo")
    await asyncio.sleep(0.2)
    late = [m for m in await live.tg.transcript(3021) if "16:00" in (m.text or "")]
    assert len(late) == 1  # the cancelled visit's 2-hour reminder never came
    statuses = sorted(a.status for a in await rows(live, Appointment) if isinstance(a, Appointment))
    assert statuses == ["cancelled", "confirmed"]


async def test_satisfaction_after_close_and_quiet_hours(live: Live) -> None:
    maria = await live.patient(3031)
    live.at(local(18, 30))
    now = live.clock.now()
    async with live.app.database.uow() as uow:
        uow.session.add(Request(kind="question", state="closed", patient_id=maria.id or 0,
                                created_at=now, closed_at=now, due_at=now))  # fmt: skip
        await uow.commit()
    await live.jump(local(18, 31))  # planned for 20:30
    seq = await live.tg.chat_seq(3031)
    await live.jump(local(20, 29))
    await live.jump(local(21, 0))  # too late now: quiet hours
    await live.jump(local(7, 59, days=1))
    assert (await live.tg.chat_seq(3031)) == seq
    ask = await push(live, 3031, local(8, days=1), "com'è stata la sua esperienza")
    await tap(live, 3031, ask, "Molto buona", "Grazie per la sua risposta")
    comment = await arrives(live.tg, 3031, 0, says("Vuole aggiungere un breve commento?"))
    await tap(live, 3031, comment, "⏭ Salta", "Grazie del suo tempo")
    [answer] = await rows(live, SatisfactionAnswer)
    assert isinstance(answer, SatisfactionAnswer)
    assert (answer.touchpoint, answer.answer, answer.comment) == ("question", "very_good", None)


async def test_429_retry_after_is_honoured(live: Live) -> None:
    maria = await live.patient(3041)
    live.at(local(9, 50))
    await therapy(live, maria, ["10:00"])
    await live.tg.fail_next("sendMessage", status=429, retry_after=2)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await push(live, 3041, local(10), "10:00: è l'ora")
    assert loop.time() - started >= 2
    stats = await live.tg.stats()
    assert stats["injected_faults"] == 1
    assert stats["calls"]["sendMessage"] == 2
    reminders = [m for m in await live.tg.transcript(3041) if "è l'ora" in (m.text or "")]
    assert len(reminders) == 1


async def test_403_marks_the_patient_unreachable_and_tells_staff(live: Live) -> None:
    maria = await live.patient(3051)
    await live.staff(3059)
    live.at(local(9, 50))
    await therapy(live, maria, ["10:00"])
    await live.tg.fail_next("sendMessage", status=403)
    seq = await live.tg.chat_seq(3059)
    await live.jump(local(10))
    await arrives(live.tg, 3059, seq, says("Maria B. (paziente n. 1) ha bloccato il bot"))
    [patient] = [
        p for p in await rows(live, Patient) if isinstance(p, Patient) and p.id == maria.id
    ]
    assert not patient.reachable
    statuses = {
        r.status for r in await rows(live, OutboundMessage) if isinstance(r, OutboundMessage)
    }
    assert "undeliverable" in statuses


# The scheduler is the same whatever the framework: one real minute is enough. Slow, and pinned
# to a moment of its own: running it at every moment of `make test-clocks` would show nothing.
@pytest.mark.slow
@pytest.mark.parametrize("adapter", ["ptb"])
async def test_a_real_reminder_a_minute_ahead(live: Live) -> None:
    """No clock jumps: APScheduler wakes the dispatcher at the dose's minute."""
    maria = await live.patient(3061)
    # One jump first, to a plain Tuesday morning: at other moments the next minutes' local time
    # may not exist or happen twice (the nights the clocks change), and a dose is planned by it.
    live.at(local(9, 58) + timedelta(seconds=30))
    now = live.clock.now().astimezone(ROME)
    due = (now + timedelta(seconds=60)).replace(second=0, microsecond=0) + timedelta(minutes=1)
    async with live.app.database.uow() as uow:
        uow.session.add(
            Therapy(patient_id=maria.id or 0, medicine="Ramipril", times=[due.strftime("%H:%M")],
                    start_date=due.date(), created_at=live.clock.now())
        )  # fmt: skip
        await uow.commit()
    seq = await live.tg.chat_seq(3061)
    wait = (due - live.clock.now()).total_seconds()
    assert wait >= 60
    message = await live.tg.wait_for_bot_message(
        3061, says("è l'ora di Ramipril"), timeout=wait + 10, after_seq=seq
    )
    arrived = live.clock.now()
    assert due <= arrived < due + timedelta(seconds=3), (due, arrived)
    assert message.reply_markup is not None


async def test_blocking_the_bot_tells_staff(live: Live) -> None:
    live.at(local(10))  # open: staff are told at once, not in the next morning's digest
    await live.patient(3071)
    await live.staff(3079)
    seq = await live.tg.chat_seq(3079)
    await live.tg.block(3071)
    await arrives(live.tg, 3079, seq, says("ha bloccato il bot"))
