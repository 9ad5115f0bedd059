"""End-to-end fixtures: the Bot API emulator and the real bot, talking over HTTP.

`emulator` and `tg` (its driver client) act as Telegram and its users. Every bot fixture is
parametrized over both adapters (`adapter`: ptb, aiogram); a module that tests one framework's
internals overrides `adapter`. `start_bot` runs the bot in-process on a fresh SQLite database
(the real patient desk, or a stand-in desk for adapter tests); `BotProcess` runs it as
`frontdesk run` in a subprocess, for crash and signal tests.
Nothing here imports a Telegram framework at import time: tests see the bot only through the
emulator. Both kinds of bot run on the test's clock (tests/clocks.py: FRONTDESK_CLOCK, else the
system's), with the practice always open, so no journey depends on the hour it runs at.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.bootstrap import App, bootstrap
from bot.emulator import Emulator, EmulatorClient
from bot.runtime import AppLike
from flows.clock import ShiftedClock
from flows.events import CommandIn, Event, FileIn, TapIn
from flows.reply import Outgoing
from flows.settings import Settings
from flows.turn import Turn
from tests import clocks

TOKEN = "123456789:EMULATOR-test-token_0123456789abcdefgh"
READY_SECONDS = 10.0
ALWAYS_OPEN = "mon-sun 00:00-23:59"
# `frontdesk run`, started from a scratch directory so that no .env of the checkout is read.
RUN = (sys.executable, "-c", "from bot.cli import main; main()", "run")


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    async with Emulator(token=TOKEN, port=0) as emu:
        yield emu


@pytest.fixture
async def tg(emulator: Emulator) -> AsyncIterator[EmulatorClient]:
    async with EmulatorClient(emulator.base_url) as client:
        yield client


ADAPTERS = ("ptb", "aiogram")
Run = Callable[..., Awaitable[None]]


@pytest.fixture(params=ADAPTERS)
def adapter(request: pytest.FixtureRequest) -> str:
    """The Telegram framework under test (TELEGRAM_FRAMEWORK)."""
    return str(request.param)


def run_of(adapter: str) -> Run:
    """`bot.ptb.run` or `bot.aiogram.run`: both are `run(app, *, stop, on_unreachable)`."""
    if adapter == "aiogram":
        from bot.aiogram import run as run_aiogram

        return run_aiogram
    from bot.ptb import run as run_ptb

    return run_ptb


@pytest.fixture
def run(adapter: str) -> Run:
    return run_of(adapter)


@pytest.fixture
def bot_env(emulator: Emulator, tmp_path: Path, adapter: str) -> dict[str, str]:
    """The settings a bot needs to run against this emulator with its own database."""
    return {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": emulator.base_url,
        "TELEGRAM_FRAMEWORK": adapter,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'frontdesk.db'}",
        # Staff notices go out at once only while the practice is open: the suite must not
        # depend on the hour it runs at (the digest is tested with a moved clock elsewhere).
        "FRONTDESK_OPENING_HOURS": ALWAYS_OPEN,
    }


@pytest.fixture
def bot_clock() -> ShiftedClock:
    """The clock the bots run on: the test's moment (FRONTDESK_CLOCK, else now). A module whose
    tests depend on the hour or the day overrides it with a moment of its own."""
    return clocks.clock()


@pytest.fixture
def settings(bot_env: dict[str, str]) -> Settings:
    return Settings(_env_file=None, opening_hours=ALWAYS_OPEN, **bot_env)  # type: ignore[call-arg]


@pytest.fixture
async def app(settings: Settings, bot_clock: ShiftedClock) -> AsyncIterator[App]:
    """The front desk as `frontdesk run` builds it, not yet connected to Telegram."""
    built = await bootstrap(settings, clock=bot_clock)
    yield built
    await built.close()


async def calls(tg: EmulatorClient, method: str) -> int:
    return int((await tg.stats())["calls"].get(method, 0))


async def serving(tg: EmulatorClient) -> int:
    """Grows when a bot starts taking updates: its first getUpdates, or its setWebhook."""
    counted = (await tg.stats())["calls"]
    return int(counted.get("getUpdates", 0)) + int(counted.get("setWebhook", 0))


async def wait_until(condition: Callable[[], Awaitable[bool]], seconds: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not await condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {seconds}s waiting for {what}")
        await asyncio.sleep(0.02)


@dataclass
class RunningBot:
    app: AppLike
    task: asyncio.Task[None]
    stop: asyncio.Event

    async def close(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 15)


StartBot = Callable[..., Awaitable[RunningBot]]


@pytest.fixture
async def start_bot(tg: EmulatorClient, run: Run) -> AsyncIterator[StartBot]:
    """`start(app, **options)` runs the adapter's `run(app, **options)` in this loop and returns
    once it polls; every bot started is stopped afterwards."""
    running: list[RunningBot] = []

    async def start(app: AppLike, **options: Any) -> RunningBot:
        polls = await serving(tg)
        stop = asyncio.Event()
        bot = RunningBot(app, asyncio.create_task(run(app, stop=stop, **options)), stop)
        running.append(bot)

        async def polling() -> bool:
            if bot.task.done():
                bot.task.result()  # raises what made the bot stop
                raise AssertionError("the bot stopped by itself")
            return await serving(tg) > polls

        await wait_until(polling, READY_SECONDS, "the bot to poll")
        return bot

    yield start
    for bot in running:
        await bot.close()


@pytest.fixture
async def frontdesk(app: App, start_bot: StartBot) -> RunningBot:
    """The real bot with the real patient flows, polling the emulator."""
    return await start_bot(app)


@dataclass
class EchoDesk:
    """A stand-in patient desk that says what it got, so adapter tests see events, not flows.
    Commands answer with a button; taps edit the tapped message; `boom` fails like a bug."""

    events: list[Event] = field(default_factory=list)

    async def on_command(self, turn: Turn, command: CommandIn) -> None:
        self.events.append(command)
        button = turn.action_button("Tap", "tap")
        turn.say(f"command {command.name} {command.args}".strip(), buttons=((button,),))

    async def on_global(self, turn: Turn, code: str) -> None:
        assert isinstance(turn.event, TapIn)
        self.events.append(turn.event)
        if code == "boom":
            raise RuntimeError("a bug")
        buttons = ((turn.action_button("Again", "tap"), turn.action_button("Boom", "boom")),)
        text = f"tapped {code} {sum(isinstance(e, TapIn) for e in self.events)}"
        edit = turn.event.message_id
        turn.reply.add(Outgoing(turn.chat_id, text, buttons=buttons, edit_message_id=edit))

    async def on_tap(self, turn: Turn, code: str) -> None:
        await self.on_global(turn, code)

    async def on_input(self, turn: Turn) -> None:
        self.events.append(turn.event)
        turn.say(describe(turn.event))

    async def show_current(self, turn: Turn, notice: str | None = None) -> None:
        turn.say(notice or "current")


def describe(event: Event) -> str:
    if isinstance(event, FileIn):
        return f"{event.kind} {event.file_name or ''} {event.size}".strip()
    detail = getattr(event, "text", None) or getattr(event, "phone", None)
    return f"{type(event).__name__} {detail or getattr(event, 'what', '')}".strip()


@pytest.fixture
def echo_desk() -> EchoDesk:
    return EchoDesk()


@pytest.fixture
async def echo_bot(app: App, echo_desk: EchoDesk, start_bot: StartBot) -> RunningBot:
    """The real adapter and engine, with the stand-in desk answering."""
    app.desk.patient_routes = echo_desk
    return await start_bot(app)


class BotProcess:
    """`frontdesk run` in a subprocess (its output in a file), for crash and signal tests."""

    def __init__(
        self, env: dict[str, str], workdir: Path, clock: ShiftedClock | None = None
    ) -> None:
        ours = ("FRONTDESK_", "TELEGRAM_", "DATABASE_URL")
        clean = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
        self.env = {**clean, **env, "PYTHONUNBUFFERED": "1"}
        self.clock = clock
        self.workdir = workdir
        self.log_path = workdir / "bot.log"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, tg: EmulatorClient) -> None:
        """Starts the bot and returns once it polls the emulator (or set its webhook)."""
        polls = await serving(tg)
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                *RUN,
                env=self.environment(),
                cwd=self.workdir,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )
        process = self.process

        async def polling() -> bool:
            if process.returncode is not None:
                raise AssertionError(f"the bot exited with {process.returncode}:\n{self.output()}")
            return await serving(tg) > polls

        await wait_until(polling, READY_SECONDS * 2, "the bot subprocess to poll")

    def environment(self) -> dict[str, str]:
        """`env` plus the moment the bot starts at (`clock`'s, else the test's): FRONTDESK_* was
        dropped above, and FRONTDESK_CLOCK is re-anchored at every start since a child's clock
        counts from its own start."""
        return {**self.env, **clocks.environment(self.clock)}

    async def terminate(self) -> int:
        return await self.send_signal(signal.SIGTERM)

    async def kill(self) -> int:
        return await self.send_signal(signal.SIGKILL)

    async def send_signal(self, sig: signal.Signals, seconds: float = 15.0) -> int:
        """Sends `sig` and returns the exit code; fails if the bot does not exit in time."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(sig)
        try:
            return await asyncio.wait_for(self.process.wait(), seconds)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            raise AssertionError(f"the bot did not exit on {sig.name}:\n{self.output()}") from None

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture
async def bot_process(
    bot_env: dict[str, str], tmp_path: Path, bot_clock: ShiftedClock
) -> AsyncIterator[BotProcess]:
    process = BotProcess(bot_env, tmp_path, bot_clock)
    yield process
    if process.process is not None and process.process.returncode is None:
        await process.kill()


def raw_message(user_id: int, text: str, *, group_id: int | None = None) -> dict[str, Any]:
    """A raw `message` update from a user, in their private chat or a group, for inject_update."""
    user = {"id": user_id, "is_bot": False, "first_name": "Maria", "language_code": "it"}
    private = {"id": user_id, "type": "private", "first_name": "Maria"}
    chat = private if group_id is None else {"id": group_id, "type": "group", "title": "Famiglia"}
    message = {"message_id": 1, "date": 1_700_000_000, "chat": chat, "from": user, "text": text}
    return {"message": message}
