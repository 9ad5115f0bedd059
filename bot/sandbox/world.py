"""The sandbox's world: the Bot API emulator, the real bot on a moved clock, and its people.

`Sandbox` starts the emulator, builds the front desk with the same `bootstrap` as
`frontdesk run` (the configured adapter, a real SQLite database in a sandbox file) and gives it
a `ShiftedClock` and the emulator instead of the system clock and Telegram. It seeds what makes
the page useful at once: a doctor registered as staff (through the same staff repository as
`frontdesk staff add`), a first patient with an empty chat, the demo follow-up programme running,
and a practice that is always open with no quiet hours, so notices arrive while you watch.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.bootstrap import App, bootstrap
from bot.emulator import Emulator, EmulatorClient, EmulatorUser
from bot.emulator.runner import DEFAULT_TOKEN
from bot.sandbox import travel
from flows.clock import shifted_clock_from_environment
from flows.programmes import running
from flows.programmes.builtin import DEMO
from flows.settings import Settings, normalise_database_url
from flows.stats import CLOCK_SHIFT_SETTING
from scheduler.service import ReminderScheduler
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

DOCTOR_ID = 1000
DOCTOR_NAME = "Dott. Rossi"
FIRST_PATIENT_ID = 2001
LAST_PATIENT_ID = 2999
PATIENT_NAMES = ("Maria", "Giuseppe", "Anna", "Francesco", "Lucia", "Marco", "Giulia", "Luca")
ALWAYS_OPEN = "mon-sun 00:00-23:59"
# The sandbox is for trying every kind of request, so its patients have no daily limit (the
# most the setting allows); the page says so, and production keeps its own limit.
SANDBOX_REQUESTS_PER_DAY = 100
# A demo practice, so texts that name the practice or give its number read as they would.
DEMO_PRACTICE_NAME = "Studio medico Dott. Rossi"
DEMO_PRACTICE_PHONE = "0123 456789"
READY_SECONDS = 15.0


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    database: Path = Path("sandbox.db")
    emulator_port: int = 0  # a free one; the emulator only listens on 127.0.0.1


def sandbox_settings(settings: Settings, database: Path, emulator_url: str) -> Settings:
    """The configured front desk, pointed at the emulator and the sandbox database; open all
    day with no quiet hours, no daily limit of requests, long polling. A practice name or phone
    set in the configuration is kept; otherwise the demo practice's are used."""
    token = Settings(_env_file=None, TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN)  # type: ignore[call-arg]
    return settings.model_copy(
        update={
            "telegram_bot_token": token.telegram_bot_token,
            "telegram_api_base_url": emulator_url,
            "database_url": normalise_database_url(f"sqlite+aiosqlite:///{database}"),
            "opening_hours": ALWAYS_OPEN,
            "closed": False,
            "quiet_hours": "off",
            "webhook_url": "",
            "max_requests_per_day": SANDBOX_REQUESTS_PER_DAY,
            # The doctor's phone starts empty whatever the day; /stats shows the card.
            "weekly_card": False,
            "practice_name": _configured(settings, "practice_name", DEMO_PRACTICE_NAME),
            "practice_phone": settings.practice_phone or DEMO_PRACTICE_PHONE,
        }
    )


def _configured(settings: Settings, name: str, demo: str) -> str:
    """The setting when someone changed it from its default, the demo value otherwise."""
    value = str(getattr(settings, name))
    return demo if value == Settings.model_fields[name].default else value


class Sandbox:
    """Use as `async with Sandbox(settings, config) as sandbox:`; `done` is set when the bot
    stops by itself (SIGINT or SIGTERM reach the adapter, which stops serving)."""

    def __init__(self, settings: Settings, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.base_settings = settings
        self.emulator = Emulator(token=DEFAULT_TOKEN, port=self.config.emulator_port)
        # The chats' dates follow the bot's clock, so a message after time travel shows its day.
        self.emulator.state.clock = lambda: self.clock.now().timestamp()
        self.client: EmulatorClient | None = None
        self.clock = shifted_clock_from_environment()
        self.app: App | None = None
        self.done = asyncio.Event()
        self._bot: asyncio.Task[None] | None = None
        self._bot_stop = asyncio.Event()
        self._restarting = False
        self._lock = asyncio.Lock()  # one time travel, patient added or reset at a time

    @property
    def settings(self) -> Settings:
        return sandbox_settings(self.base_settings, self.config.database, self.emulator.base_url)

    async def __aenter__(self) -> Sandbox:
        await self.emulator.start()
        self.client = EmulatorClient(self.emulator.base_url)
        try:
            await self._boot()
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    def stop(self) -> None:
        """Stop the bot as a signal would; `done` is set once it has."""
        self._bot_stop.set()

    async def close(self) -> None:
        await self._halt()
        if self.client is not None:
            await self.client.close()
        await self.emulator.stop()

    # -- the bot ---------------------------------------------------------------------------

    async def _boot(self) -> None:
        """Build the front desk, seed it, start the adapter; back once it polls."""
        # Now, or the moment FRONTDESK_CLOCK names: where time travel starts, and a reset returns.
        self.clock = shifted_clock_from_environment()
        app = await bootstrap(self.settings, clock=self.clock, sandbox=True)
        self.app = app
        await self._seed(app)
        await self._record_shift()
        before = await self._polls()
        self._bot_stop = asyncio.Event()
        self._bot = asyncio.create_task(self._serve(app))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + READY_SECONDS
        while await self._polls() <= before:
            if self._bot.done():
                self._bot.result()  # what stopped it
                raise RuntimeError("the bot stopped while starting")
            if loop.time() > deadline:
                raise RuntimeError("the bot did not start polling the emulator")
            await asyncio.sleep(0.05)
        log.info("sandbox bot serving (%s adapter)", app.settings.telegram_framework)

    async def _serve(self, app: App) -> None:
        if app.settings.telegram_framework == "aiogram":
            from bot.aiogram import run
        else:
            from bot.ptb import run
        try:
            await run(app, stop=self._bot_stop)
        finally:
            if not self._restarting:
                self.done.set()

    async def _halt(self) -> None:
        bot, self._bot = self._bot, None
        if bot is not None:
            self._bot_stop.set()
            try:
                await asyncio.wait_for(bot, 30)
            except Exception as exc:  # stopping anyway; the type says enough, never the contents
                log.warning("sandbox bot stopped with %s", type(exc).__name__)
        app, self.app = self.app, None
        if app is not None:
            await app.close()

    async def _polls(self) -> int:
        return int((await self._driver().stats())["calls"].get("getUpdates", 0))

    def _driver(self) -> EmulatorClient:
        assert self.client is not None, "the sandbox is not running"
        return self.client

    async def _seed(self, app: App) -> None:
        """The doctor as staff, and in the emulator every sandbox patient the database knows
        (or a first one), so a restarted sandbox shows the same people."""
        async with app.database.uow() as uow:
            await uow.staff.upsert(telegram_id=DOCTOR_ID, name=DOCTOR_NAME, role="doctor")
            await start_demo(uow, app)
            await uow.commit()
            known = await uow.patients.telegram_ids_between(
                first=FIRST_PATIENT_ID, last=LAST_PATIENT_ID
            )
            ids = sorted({int(i) for i in known if i})
        lang = app.settings.default_language
        tg = self._driver()
        await tg.create_user(user_id=DOCTOR_ID, first_name=DOCTOR_NAME, language_code=lang)
        for user_id in ids or [FIRST_PATIENT_ID]:
            await tg.create_user(user_id=user_id, first_name=name_of(user_id), language_code=lang)

    # -- what the page asks for ------------------------------------------------------------

    async def patients(self) -> list[EmulatorUser]:
        found = await self._driver().users()
        return sorted((u for u in found if u.id != DOCTOR_ID), key=lambda u: u.id)

    async def add_patient(self) -> EmulatorUser:
        async with self._lock:
            taken = {u.id for u in await self.patients()}
            user_id = next(i for i in range(FIRST_PATIENT_ID, LAST_PATIENT_ID) if i not in taken)
            lang = self.settings.default_language
            return await self._driver().create_user(
                user_id=user_id, first_name=name_of(user_id), language_code=lang
            )

    async def fast_forward(self, by: timedelta) -> None:
        async with self._lock:
            await travel.fast_forward(self.clock, self._scheduler(), by)
            await self._record_shift()

    async def to_next_reminder(self) -> datetime | None:
        async with self._lock:
            due = await travel.to_next_reminder(self.clock, self._scheduler())
            await self._record_shift()
            return due

    async def _record_shift(self) -> None:
        """Write how far the clock was moved into the sandbox database, so `frontdesk report`
        on it counts up to the same moment as /stats here."""
        assert self.app is not None, "the bot is not running"
        async with self.app.database.uow() as uow:
            seconds = int(self.clock.offset.total_seconds())
            await uow.settings.put(key=CLOCK_SHIFT_SETTING, value=seconds)
            await uow.commit()

    async def reset(self) -> None:
        """Start over: a new database, empty chats, the clock back to now (or FRONTDESK_CLOCK)."""
        async with self._lock:
            self._restarting = True
            try:
                await self._halt()
                await asyncio.to_thread(remove_database, self.config.database)
                await self._driver().reset()
                await self._boot()
            except BaseException:
                self.done.set()  # no bot to serve the page: stop, rather than look alive
                raise
            finally:
                self._restarting = False

    def clock_state(self) -> dict[str, Any]:
        now = self.clock.now()
        return {
            "now": now.isoformat(),
            "local": now.astimezone(self.settings.tz).strftime("%d/%m/%Y %H:%M"),
            "offset_seconds": int(self.clock.travelled.total_seconds()),
        }

    def _scheduler(self) -> ReminderScheduler:
        assert self.app is not None, "the bot is not running"
        return self.app.scheduler


async def start_demo(uow: UnitOfWork, app: App) -> None:
    """The demo programme running from the first boot (a visitor may pause or stop it): a
    registered patient who accepts prevention reminders is enrolled at the next day's look at
    the segment, so a day of time travel brings its first invitation."""
    demo = next((p for p in app.desk.programmes if p.id == DEMO.id), None)
    state = await uow.programmes.programme_state(programme_id=DEMO.id)
    if demo is not None and (state is None or state.status == "draft"):
        await running.start(uow, demo, now=app.clock.now(), tz=app.settings.tz)


def remove_database(database: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)


def name_of(user_id: int) -> str:
    return PATIENT_NAMES[(user_id - FIRST_PATIENT_ID) % len(PATIENT_NAMES)]
