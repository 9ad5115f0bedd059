"""The sandbox server over real HTTP: the page, its state, the driver routes it passes through,
time travel, and starting over. The browser test (test_browser.py) drives the page itself."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from sqlmodel import select

from bot.sandbox.world import DOCTOR_ID, FIRST_PATIENT_ID
from flows.stats import CLOCK_SHIFT_SETTING
from storage.tables import Patient, Staff, Therapy
from tests.sandbox.conftest import Running

pytestmark = pytest.mark.e2e


@pytest.fixture
async def http(running: Running) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=running.url) as session:
        yield session


async def get(http: aiohttp.ClientSession, path: str) -> Any:
    async with http.get(path) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def post(http: aiohttp.ClientSession, path: str, body: Any = None, status: int = 200) -> Any:
    async with http.post(path, json=body) as response:
        assert response.status == status, await response.text()
        return await response.json()


async def bot_texts(http: aiohttp.ClientSession, chat: int) -> list[str]:
    transcript = await get(http, f"/api/emulator/chats/{chat}/transcript")
    return [m["text"] or "" for m in transcript["messages"] if m["from_bot"]]


async def until_bot_says(http: aiohttp.ClientSession, chat: int, part: str) -> None:
    for _ in range(200):
        if any(part in text for text in await bot_texts(http, chat)):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{part!r} never arrived; chat: {await bot_texts(http, chat)}")


async def test_the_page_and_its_files(http: aiohttp.ClientSession) -> None:
    async with http.get("/") as response:
        assert response.status == 200
        html = await response.text()
    assert "/static/sandbox.js" in html
    assert "/static/sandbox.css" in html
    for name in ("sandbox.js", "render.js", "sandbox.css"):
        async with http.get(f"/static/{name}") as response:
            assert response.status == 200
    async with http.get("/static/world.py") as response:
        assert response.status == 404


async def test_state_names_a_doctor_who_is_staff_and_a_first_patient(
    http: aiohttp.ClientSession, running: Running
) -> None:
    state = await get(http, "/api/state")
    assert state["doctor"]["id"] == DOCTOR_ID
    assert [p["id"] for p in state["patients"]] == [FIRST_PATIENT_ID]
    assert state["labels"]["patient"] == "Paziente"
    assert (await get(http, "/api/state?lang=en"))["labels"]["patient"] == "Patient"
    assert running.sandbox.app is not None
    async with running.sandbox.app.database.uow() as uow:
        staff = (await uow.session.exec(select(Staff))).all()
    assert [(s.telegram_id, s.role, s.active) for s in staff] == [(DOCTOR_ID, "doctor", True)]


async def test_patients_are_added_and_play_through_the_driver_routes(
    http: aiohttp.ClientSession,
) -> None:
    added = await post(http, "/api/patients")
    assert added["id"] == FIRST_PATIENT_ID + 1
    state = await get(http, "/api/state")
    assert [p["id"] for p in state["patients"]] == [FIRST_PATIENT_ID, FIRST_PATIENT_ID + 1]
    await post(http, f"/api/emulator/users/{added['id']}/messages", {"text": "/start"})
    await until_bot_says(http, added["id"], "116117")
    changes = await get(http, "/api/emulator/wait?after_seq=0&timeout=1")
    assert added["id"] in changes["chat_ids"]


@pytest.mark.parametrize("framework", ["aiogram"])
async def test_the_other_adapter_serves_the_sandbox_too(
    http: aiohttp.ClientSession, running: Running
) -> None:
    assert running.sandbox.settings.telegram_framework == "aiogram"
    await post(http, f"/api/emulator/users/{FIRST_PATIENT_ID}/messages", {"text": "/start"})
    await until_bot_says(http, FIRST_PATIENT_ID, "116117")


async def test_a_file_from_the_page_reaches_the_bot(http: aiohttp.ClientSession) -> None:
    """The page uploads as multipart; the proxy must pass the body and its boundary as they are."""
    await post(http, f"/api/emulator/users/{FIRST_PATIENT_ID}/messages", {"text": "/start"})
    await until_bot_says(http, FIRST_PATIENT_ID, "116117")
    form = aiohttp.FormData()
    form.add_field("file", b"%PDF-1.4\n" + b"0" * 100, filename="esami.pdf",
                   content_type="application/pdf")  # fmt: skip
    async with http.post(f"/api/emulator/users/{FIRST_PATIENT_ID}/document", data=form) as answer:
        assert answer.status == 200, await answer.text()
        sent = (await answer.json())["message"]
    assert sent["media"]["document"]["file_name"] == "esami.pdf"
    async with http.get(f"/api/emulator/files/{sent['media']['document']['file_id']}") as answer:
        assert answer.status == 200
        assert (await answer.read()).startswith(b"%PDF-1.4")
    # A file where a button is expected (before consent): the bot answers rather than stays silent.
    for _ in range(200):
        transcript = await get(http, f"/api/emulator/chats/{FIRST_PATIENT_ID}/transcript")
        if any(m["from_bot"] and m["seq"] > sent["seq"] for m in transcript["messages"]):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the bot did not answer the file")


async def test_only_the_driver_routes_the_page_uses_pass(http: aiohttp.ClientSession) -> None:
    for method, path in (("POST", "reset"), ("POST", "faults"), ("GET", "config")):
        async with http.request(method, f"/api/emulator/{path}") as response:
            assert response.status == 404, path


async def test_bad_clock_moves_are_refused(http: aiohttp.ClientSession, running: Running) -> None:
    for body in ({"minutes": 0}, {"minutes": "60"}, {"minutes": 10**9}, {}):
        answer = await post(http, "/api/clock", body, status=400)
        assert "minutes" in answer["error"]
    assert running.sandbox.clock.travelled == timedelta(0)
    moved = await post(http, "/api/clock", {"minutes": 90})
    assert moved["clock"]["offset_seconds"] == 90 * 60


async def add_therapy(running: Running, at: str) -> None:
    """A registered patient with a daily therapy, straight in the database: this test is about
    time travel (the browser test sets one up through the bot's own flow)."""
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
        uow.session.add(
            Therapy(patient_id=patient.id or 0, medicine="Ramipril", dose="5 mg", times=[at],
                    start_date=now.astimezone(app.settings.tz).date(), created_at=now)
        )  # fmt: skip
        await uow.commit()


async def test_next_reminder_delivers_a_therapy_dose_now(
    http: aiohttp.ClientSession, running: Running
) -> None:
    tz = running.sandbox.settings.tz
    due = (running.sandbox.clock.now() + timedelta(hours=3)).astimezone(tz)
    await add_therapy(running, due.strftime("%H:%M"))
    moved = await post(http, "/api/clock", {"next": True})
    assert moved["reminder_at"] is not None
    assert moved["clock"]["offset_seconds"] >= 2 * 3600
    await until_bot_says(http, FIRST_PATIENT_ID, "è l'ora di Ramipril")


async def test_a_day_forward_delivers_the_dose_on_the_way(
    http: aiohttp.ClientSession, running: Running
) -> None:
    tz = running.sandbox.settings.tz
    due = (running.sandbox.clock.now() + timedelta(hours=5)).astimezone(tz)
    await add_therapy(running, due.strftime("%H:%M"))
    await post(http, "/api/clock", {"minutes": 24 * 60})
    # Sent when due, then edited in place once its answer window closed with no answer: the
    # day passed as it would have, the dose was not skipped as "missed while the bot was down".
    transcript = await get(http, f"/api/emulator/chats/{FIRST_PATIENT_ID}/transcript")
    doses = [m for m in transcript["messages"] if "Ramipril" in (m["text"] or "")]
    assert len(doses) == 1
    assert doses[0]["edit_count"] >= 1
    assert "non confermata" in doses[0]["text"]


async def test_starting_over_empties_the_chats_and_keeps_the_doctor(
    http: aiohttp.ClientSession, running: Running
) -> None:
    await post(http, f"/api/emulator/users/{FIRST_PATIENT_ID}/messages", {"text": "/start"})
    await until_bot_says(http, FIRST_PATIENT_ID, "116117")
    await post(http, "/api/patients")
    await post(http, "/api/clock", {"minutes": 60})
    await post(http, "/api/reset")
    state = await get(http, "/api/state")
    assert [p["id"] for p in state["patients"]] == [FIRST_PATIENT_ID]
    assert state["clock"]["offset_seconds"] == 0
    async with http.get(f"/api/emulator/chats/{FIRST_PATIENT_ID}/transcript") as response:
        gone = response.status == 404 or not (await response.json())["messages"]
    assert gone
    await post(http, f"/api/emulator/users/{FIRST_PATIENT_ID}/messages", {"text": "/start"})
    await until_bot_says(http, FIRST_PATIENT_ID, "116117")
    assert running.sandbox.app is not None
    async with running.sandbox.app.database.uow() as uow:
        assert [s.telegram_id for s in (await uow.session.exec(select(Staff))).all()] == [DOCTOR_ID]


async def test_the_sandbox_lifts_the_daily_limit_and_says_so(
    http: aiohttp.ClientSession, running: Running
) -> None:
    settings = running.sandbox.settings
    limit = running.sandbox.base_settings.max_requests_per_day
    assert settings.max_requests_per_day > limit  # the production default stays as configured
    assert settings.practice_phone == "0123 456789"
    assert settings.practice_name != "Studio medico"
    state = await get(http, "/api/state")
    assert f"il limite è di {limit} al giorno" in state["labels"]["no_limit"]
    assert state["timezone"] == settings.timezone


async def test_dates_follow_the_moved_clock_and_the_shift_is_recorded(
    http: aiohttp.ClientSession, running: Running
) -> None:
    await post(http, "/api/clock", {"minutes": 24 * 60})
    await post(http, f"/api/emulator/users/{FIRST_PATIENT_ID}/messages", {"text": "/start"})
    await until_bot_says(http, FIRST_PATIENT_ID, "116117")
    transcript = await get(http, f"/api/emulator/chats/{FIRST_PATIENT_ID}/transcript")
    now = running.sandbox.clock.now().timestamp()
    assert all(abs(m["date"] - now) < 60 for m in transcript["messages"])
    assert running.sandbox.app is not None
    async with running.sandbox.app.database.uow() as uow:
        shift = await uow.settings.get(key=CLOCK_SHIFT_SETTING)
    # The whole offset from the system clock (FRONTDESK_CLOCK's start included), which is what
    # `frontdesk report` adds to it; the page shows only the time travelled.
    assert shift == int(running.sandbox.clock.offset.total_seconds())
    assert running.sandbox.clock_state()["offset_seconds"] >= 24 * 3600
