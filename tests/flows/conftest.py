"""An engine on a fresh SQLite database, and people to talk to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.bootstrap import App, bootstrap
from flows.clock import FixedClock
from flows.settings import Settings
from tests import clocks
from tests.flows.delivery import AfterTurn, bind_port
from tests.flows.harness import Person, RecordingRenderer

# A Tuesday morning, the practice open.
MONDAY_10 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MONDAY_10)


@pytest.fixture
async def app(tmp_path: Path, clock: FixedClock) -> AsyncIterator[App]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}",
        practice_name="Studio Rossi",
        practice_phone="06 1234567",
        **clocks.HOURS,
    )
    application = await bootstrap(settings, clock=clock)
    yield application
    await application.close()


@pytest.fixture
def renderer() -> RecordingRenderer:
    return RecordingRenderer()


@pytest.fixture
def after_turn(app: App, renderer: RecordingRenderer) -> AfterTurn:
    bind_port(app, renderer)
    return AfterTurn(app)


@pytest.fixture
def person(app: App, renderer: RecordingRenderer, after_turn: AfterTurn) -> Callable[[int], Person]:
    def make(user_id: int = 501) -> Person:
        return Person(app.desk, renderer, user_id, after_turn=after_turn)

    return make


@pytest.fixture
def registered(person: Callable[[int], Person]) -> Callable[[int], Awaitable[Person]]:
    async def make(user_id: int = 501) -> Person:
        someone = person(user_id)
        await onboard(someone)
        return someone

    return make


async def onboard(someone: Person) -> None:
    await someone.text("/start")
    await someone.tap("Accetto")
    await someone.text("Maria")
    await someone.text("Bianchi")
    await someone.text("01/01/1980")
    await someone.text("BNCMRA80A41H501E")
    await someone.press("Salta")
    await someone.tap("Conferma")
