"""The running scheduler's part in a flow test: pushes (staff notices) reach people through the
outbox's dispatcher, as in the bot, drained into the recording renderer after each turn."""

from __future__ import annotations

from bot.bootstrap import App
from scheduler.limiter import RateLimiter
from tests.flows.harness import RecordingRenderer
from tests.reminders.fakes import FakePort, Ticker


def bind_port(app: App, renderer: RecordingRenderer) -> FakePort:
    """The dispatcher sends into `renderer`, at Telegram's pace on a virtual clock (nothing
    sleeps for real)."""
    ticker = Ticker()
    app.scheduler.limiter = RateLimiter(
        per_second=30, per_chat_per_second=1, monotonic=ticker.monotonic, sleep=ticker.sleep
    )
    port = FakePort(renderer)
    app.scheduler.bind(port)
    return port


class AfterTurn:
    """Woken like `ReminderScheduler.wake` by a turn that wrote to the outbox; called once the
    turn is over, it drains the outbox through the bound dispatcher."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.woken = False
        app.desk.wake_outbox = self.wake

    def wake(self) -> None:
        self.woken = True

    async def __call__(self) -> None:
        dispatcher = self.app.scheduler.dispatcher
        if self.woken and dispatcher is not None:
            self.woken = False
            await dispatcher.drain()
