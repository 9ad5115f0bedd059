"""The real bot over HTTP against the Bot API emulator, with the scheduler started on the real
outbound port, and a clock that can jump (ShiftedClock) so hours pass in a moment.

The clock starts at the test's moment (FRONTDESK_CLOCK, else now: tests/clocks.py) and the hours
are set here, not left to the defaults: a test that depends on the hour, the weekday, opening or
quiet hours first jumps to a moment of its own (`Live.at`), so it passes whenever it runs.

Patients and staff are put in the database directly (onboarding has its own end-to-end tests);
everything they then see and tap goes through the emulator, the adapter and the engine.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from bot.bootstrap import App, bootstrap
from bot.emulator import Emulator, EmulatorClient
from flows.clock import ShiftedClock
from flows.settings import Settings
from storage.tables import Patient, Staff
from tests import clocks
from tests.reminders.botapi_port import run_of

TOKEN = "123456789:EMULATOR-test-token_0123456789abcdefgh"
READY_SECONDS = 10.0

pytestmark = pytest.mark.e2e


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    async with Emulator(token=TOKEN, port=0) as emu:
        yield emu


@pytest.fixture
async def tg(emulator: Emulator) -> AsyncIterator[EmulatorClient]:
    async with EmulatorClient(emulator.base_url) as client:
        await client.configure(flood_control=True)  # Telegram's limits, 429s and all
        yield client


@pytest.fixture
def settings(emulator: Emulator, tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=emulator.base_url,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'frontdesk.db'}",
        practice_name="Studio Rossi",
        practice_phone="06 1234567",
        **clocks.HOURS,  # tests here jump across them on purpose
    )


@pytest.fixture
def clock() -> ShiftedClock:
    return clocks.clock()


@dataclass
class Live:
    """The running bot: its app, and the clock to move."""

    app: App
    clock: ShiftedClock
    tg: EmulatorClient

    def at(self, moment: datetime) -> None:
        """Jump the practice's clock to `moment` (only forwards makes sense)."""
        self.clock.advance(moment - self.clock.now())

    async def jump(self, moment: datetime) -> None:
        self.at(moment)
        await self.app.scheduler.poke()

    async def patient(self, user_id: int, first: str = "Maria", last: str = "Bianchi") -> Patient:
        await self.tg.create_user(user_id=user_id, first_name=first, language_code="it")
        now = self.clock.now()
        settings = self.app.settings
        async with self.app.database.uow() as uow:
            patient = await uow.patients.add(
                patient=Patient(
                    telegram_id=user_id, first_name=first, last_name=last,
                    verification="verified", consent_version=settings.consent_version,
                    consent_at=now, registered_at=now, created_at=now,
                )
            )  # fmt: skip
            await uow.commit()
        return patient

    async def staff(self, user_id: int, name: str = "Dott. Rossi") -> Staff:
        await self.tg.create_user(user_id=user_id, first_name=name, language_code="it")
        async with self.app.database.uow() as uow:
            member, _ = await uow.staff.upsert(telegram_id=user_id, name=name, role="doctor")
            await uow.commit()
        return member


@pytest.fixture(params=("ptb", "aiogram"))
def adapter(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def live(
    settings: Settings, clock: ShiftedClock, tg: EmulatorClient, adapter: str
) -> AsyncIterator[Live]:
    """`frontdesk run`: the bot serving updates, its scheduler started by the adapter."""
    app = await bootstrap(settings, clock=clock)
    polls = int((await tg.stats())["calls"].get("getUpdates", 0))
    stop = asyncio.Event()
    run = run_of(adapter)
    serving = asyncio.create_task(run(app, stop=stop, on_unreachable=app.scheduler.on_unreachable))
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + READY_SECONDS
        while int((await tg.stats())["calls"].get("getUpdates", 0)) <= polls:
            if serving.done():
                serving.result()
            assert loop.time() < deadline, "the bot did not start polling"
            await asyncio.sleep(0.02)
        assert app.scheduler.running
        yield Live(app, clock, tg)
    finally:
        stop.set()
        await asyncio.wait_for(serving, 15)
        await app.close()
