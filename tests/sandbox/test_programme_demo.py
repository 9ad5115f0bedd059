"""The sandbox's demo programme over real HTTP: running from the start, a day of time travel
brings a consenting patient its invitation, and the patient's answer moves the funnel the doctor
reads in /programmes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.sandbox.world import DOCTOR_ID, FIRST_PATIENT_ID
from flows.programmes import prevention
from flows.programmes.builtin import DEMO
from flows.programmes.funnel import funnel
from storage.tables import Patient
from tests.sandbox.conftest import Running
from tests.sandbox.test_routes import post, until_bot_says

pytestmark = pytest.mark.e2e


@pytest.fixture
async def http(running: Running) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=running.url) as session:
        yield session


async def consenting_patient(running: Running) -> None:
    """A registered patient who accepted prevention reminders, straight in the database: this
    test is about the programme, not registration."""
    app = running.sandbox.app
    assert app is not None
    now = running.sandbox.clock.now()
    async with app.database.uow() as uow:
        patient = await uow.patients.add(
            patient=Patient(
                telegram_id=FIRST_PATIENT_ID, first_name="Maria", last_name="Bianchi",
                verification="verified", consent_version=app.settings.consent_version,
                consent_at=now, registered_at=now, created_at=now, language="it",
            )
        )  # fmt: skip
        await uow.programmes.give_prevention_consent(
            patient_id=patient.id or 0, version=prevention.VERSION, now=now
        )
        await uow.commit()


async def counts(running: Running) -> dict[str, int]:
    app = running.sandbox.app
    assert app is not None
    async with app.database.uow() as uow:
        state = await uow.programmes.programme_state(programme_id=DEMO.id)
        assert state is not None
        assert state.status == "running"
        return (await funnel(uow, DEMO.id, state.cycle)).counts


async def test_time_travel_brings_the_demo_invitation_and_the_answer_moves_the_funnel(
    http: aiohttp.ClientSession, running: Running
) -> None:
    await consenting_patient(running)
    await post(http, f"/api/emulator/users/{DOCTOR_ID}/messages", {"text": "/programmes"})
    await until_bot_says(http, DOCTOR_ID, "Programma di prova")
    assert (await counts(running))["invited"] == 0

    await post(http, "/api/clock", {"minutes": 25 * 60})  # the segment is looked at daily
    await until_bot_says(http, FIRST_PATIENT_ID, "invito di prova dello studio")
    before = await counts(running)
    assert (before["invited"], before["answered"]) == (1, 0)

    tap = f"/api/emulator/users/{FIRST_PATIENT_ID}/tap"
    await post(http, tap, {"label": "L'ho già fatto"})
    await until_bot_says(http, FIRST_PATIENT_ID, "quando l'ha fatto")
    await post(http, tap, {"label": "Questo mese"})
    await until_bot_says(http, FIRST_PATIENT_ID, "lo abbiamo annotato")
    after = await counts(running)
    assert (after["answered"], after["already_done"]) == (1, 1)
    # The doctor's list moved from nobody to a few (one patient reads "< 5", never "1").
    await post(http, f"/api/emulator/users/{DOCTOR_ID}/messages", {"text": "/programmes"})
    await until_bot_says(http, DOCTOR_ID, "già fatto < 5")
