"""The front desk with its scheduler on a fresh SQLite database, a fake outbound port that
delivers into the recording renderer, and a clock that tests move."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.bootstrap import App, bootstrap
from flows.clock import FixedClock
from flows.settings import Settings
from scheduler.limiter import RateLimiter
from tests import clocks
from tests.flows.delivery import AfterTurn
from tests.flows.harness import Person, RecordingRenderer
from tests.reminders.fakes import FakePort, Ticker

# Tuesday 24 November 2026, 09:00 UTC = 10:00 in Rome.
TUESDAY = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(TUESDAY)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}",
        practice_name="Studio Rossi",
        practice_phone="06 1234567",
        bot_username="StudioRossiBot",
        **clocks.HOURS,
    )


@pytest.fixture
def ticker() -> Ticker:
    return Ticker()


@pytest.fixture
async def app(settings: Settings, clock: FixedClock, ticker: Ticker) -> AsyncIterator[App]:
    application = await bootstrap(settings, clock=clock)
    # Telegram's pace, on a virtual monotonic clock: tests never sleep for real.
    application.scheduler.limiter = RateLimiter(
        per_second=30, per_chat_per_second=1, monotonic=ticker.monotonic, sleep=ticker.sleep
    )
    yield application
    await application.close()


@pytest.fixture
def renderer() -> RecordingRenderer:
    return RecordingRenderer()


@pytest.fixture
def port(app: App, renderer: RecordingRenderer) -> FakePort:
    fake = FakePort(renderer)
    app.scheduler.bind(fake)
    return fake


@pytest.fixture
def person(app: App, renderer: RecordingRenderer, port: FakePort) -> Callable[[int], Person]:
    after_turn = AfterTurn(app)  # staff notices: through the outbox, drained after the turn

    def make(user_id: int = 501) -> Person:
        return Person(app.desk, renderer, user_id, after_turn=after_turn)

    return make


@pytest.fixture
def registered(person: Callable[[int], Person]) -> Callable[[int], Awaitable[Person]]:
    async def make(user_id: int = 501) -> Person:
        someone = person(user_id)
        await someone.text("/start")
        await someone.tap("Accetto")
        await someone.text("Maria")
        await someone.text("Bianchi")
        await someone.text("01/01/1980")
        await someone.text("BNCMRA80A41H501E")
        await someone.press("Salta")
        await someone.tap("Conferma")
        return someone

    return make
