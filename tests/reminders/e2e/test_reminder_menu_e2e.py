"""After a reminder is answered the patient is never left without the menu: every answer (a dose
taken, snoozed or skipped; an appointment confirmed or cancelled; satisfaction; a check-back) ends
with «🏠 Menu». A snoozed dose says which dose it is; an appointment reminder says where the
practice is and how to call it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.emulator import ChatMessage
from flows.reminders.plans import checkbacks
from storage.repositories.reminders import ReminderRepository
from storage.tables import Appointment, Request
from tests.reminders.e2e.conftest import Live
from tests.reminders.e2e.test_reminders_e2e import local, push, says, tap, therapy

pytestmark = pytest.mark.e2e
MENU = "🏠 Menu"


def labels(message: ChatMessage) -> list[str]:
    return list(message.buttons)


async def back_to_menu(live: Live, chat: int, message: ChatMessage) -> None:
    """The answered reminder carries «🏠 Menu», and it brings the main menu back."""
    assert MENU in labels(message), message.describe()
    seq = await live.tg.chat_seq(chat)
    await live.tg.tap(chat, MENU, message_id=message.message_id)
    menu = await live.tg.wait_for_bot_message(
        chat, says("Menu principale"), timeout=10, after_seq=seq
    )
    assert any("Ricetta" in label for label in labels(menu))


async def test_every_dose_answer_ends_with_the_menu(live: Live) -> None:
    maria = await live.patient(9701)
    live.at(local(9, 50))
    await therapy(live, maria, ["10:00", "11:00", "12:00"])
    dose = await push(live, 9701, local(10), "Sono le 10:00: è l'ora di Ramipril 5 mg")
    taken = await tap(live, 9701, dose, "✅ Presa", "presa alle 10:00")
    await back_to_menu(live, 9701, taken)
    dose = await push(live, 9701, local(11), "Sono le 11:00")
    later = await tap(live, 9701, dose, "⏰ Tra 15 minuti", "glielo ricordo alle 11:15")
    assert MENU in labels(later)
    again = await push(live, 9701, local(11, 15), "Promemoria delle 11:00 (rimandato)")
    assert "Sono le" not in (again.text or "")  # it is 11:15: no "it is 11:00"
    skipped = await tap(live, 9701, again, "⏭ Salto questa", "saltata")
    await back_to_menu(live, 9701, skipped)


async def test_appointment_reminder_says_where_and_its_answers_end_with_the_menu(
    live: Live,
) -> None:
    live.app.settings.practice_address = "Via Roma 1, Roma"
    maria = await live.patient(9711)
    await live.staff(9719)
    live.at(local(9))
    now = live.clock.now()
    async with live.app.database.uow() as uow:
        for hour in (11, 16):
            uow.session.add(
                Appointment(patient_id=maria.id or 0, starts_at=local(hour, days=1),
                            status="confirmed", created_at=now, confirmed_at=now)
            )  # fmt: skip
        await uow.commit()
    first = await push(live, 9711, local(11), "Promemoria: visita mer 9 gen, 11:00")
    assert "📍 Indirizzo: Via Roma 1, Roma" in (first.text or "")
    assert "06 1234567" in (first.text or "")
    confirmed = await tap(live, 9711, first, "✅ Sì, confermo", "la aspettiamo")
    await back_to_menu(live, 9711, confirmed)
    second = await push(live, 9711, local(16), "Promemoria: visita mer 9 gen, 16:00")
    sure = await tap(live, 9711, second, "❌ Non posso, disdico", "Vuole davvero disdire")
    cancelled = await tap(live, 9711, sure, "❌ Sì, disdico la visita", "disdetta")
    await back_to_menu(live, 9711, cancelled)


async def test_no_address_set_means_no_address_line(live: Live) -> None:
    live.app.settings.practice_phone = ""
    maria = await live.patient(9721)
    live.at(local(9))
    now = live.clock.now()
    async with live.app.database.uow() as uow:
        uow.session.add(
            Appointment(patient_id=maria.id or 0, starts_at=local(11, days=1),
                        status="confirmed", created_at=now, confirmed_at=now)
        )  # fmt: skip
        await uow.commit()
    first = await push(live, 9721, local(11), "Promemoria: visita mer 9 gen, 11:00")
    assert "Indirizzo" not in (first.text or "")
    assert "📞" not in (first.text or "")


async def test_satisfaction_and_checkback_answers_end_with_the_menu(live: Live) -> None:
    maria = await live.patient(9731)
    live.at(local(9))
    now = live.clock.now()
    async with live.app.database.uow() as uow:
        uow.session.add(Request(kind="question", state="closed", patient_id=maria.id or 0,
                                created_at=now, closed_at=now, due_at=now))  # fmt: skip
        visit = Appointment(patient_id=maria.id or 0, starts_at=local(8), status="attended",
                            created_at=now, confirmed_at=now)  # fmt: skip
        uow.session.add(visit)
        await uow.session.flush()
        rows = checkbacks(visit, now=now, settings=live.app.settings)
        await ReminderRepository(uow.session).plan(rows=rows)
        await uow.commit()
    await live.jump(local(9, 1))  # the question is planned two hours after the closing
    ask = await push(live, 9731, local(11), "com'è stata la sua esperienza")
    thanks = await tap(live, 9731, ask, "Molto buona", "Grazie per la sua risposta")
    await back_to_menu(live, 9731, thanks)
    days = live.app.settings.checkback_days[0]
    check = await push(live, 9731, local(10, days=days) + timedelta(minutes=1), "Come sta")
    better = await tap(live, 9731, check, "👍 Meglio", "grazie")
    await back_to_menu(live, 9731, better)
