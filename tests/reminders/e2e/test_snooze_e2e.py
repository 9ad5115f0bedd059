"""A snoozed request wakes by itself in the running bot: staff snooze it, the clock passes the
day, the scheduler's housekeeping moves it back to in progress and tells the patient."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.people import Someone
from tests.e2e.test_patient_journeys import question
from tests.reminders.e2e.conftest import Live
from tests.reminders.e2e.test_reminders_e2e import local

pytestmark = pytest.mark.e2e


async def test_snooze_wakes_by_itself(live: Live) -> None:
    # A Tuesday morning: the practice is open when the request is filed and the wake notice is
    # not held back by the quiet hours (at 23:30 it would wait for 08:00).
    live.at(local(10))
    await live.patient(9601)
    await live.staff(9602)
    maria, doctor = Someone(live.tg, 9601), Someone(live.tg, 9602)
    await maria.say("/menu")
    await question(maria)
    await maria.tap("Invia")
    until = (live.clock.now() + timedelta(days=3)).astimezone(live.app.settings.tz)
    await doctor.say(f"/snooze 1 {until:%d/%m/%Y}")
    assert "in sospeso fino a" in await maria.last_text()
    async with live.app.database.uow() as uow:
        request = await uow.requests.get(request_id=1)
    assert request is not None
    assert request.state == "snoozed"
    seq = await live.tg.chat_seq(maria.id)
    await live.jump(live.clock.now() + timedelta(days=4))
    await live.tg.wait_for_bot_message(
        maria.id, lambda m: "di nuovo in lavorazione" in m.content, timeout=20, after_seq=seq
    )
    async with live.app.database.uow() as uow:
        request = await uow.requests.get(request_id=1)
        events = [e.action for e in await uow.requests.events(request_id=1)]
    assert request is not None
    assert request.state == "in_progress"
    assert events[-1] == "wake"
