"""Run the front desk on python-telegram-bot 22: build, start up, long-poll, shut down cleanly.

Start-up order: delete any webhook, set the patient command menu, replay the updates journalled
but never finished (the bot died mid-way), and only then poll for new ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import threading
from collections.abc import Iterator
from typing import Protocol

from telegram import Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application, ApplicationBuilder

from bot.ptb.api import PtbBotApi
from bot.ptb.handlers import Handlers, register
from bot.renderer import Renderer, Unreachable
from bot.transport import AiohttpRequest
from flows.engine import FrontDesk
from flows.i18n import Catalog
from flows.menus import patient_menu
from flows.reply import CommandMenu, Reply
from flows.settings import Settings

log = logging.getLogger(__name__)

# Updates handled at once, across chats; one chat is kept in order by the engine's lock.
CONCURRENCY = 256
POLL_SECONDS = 30
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")
# Loggers that, at DEBUG, print request URLs (with the token), texts sent or SQL parameters.
NOISY_LOGGERS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiohttp": logging.WARNING,
    "telegram": logging.INFO,
    "aiosqlite": logging.INFO,
    "sqlalchemy.engine": logging.WARNING,
}


class StartupError(RuntimeError):
    """The bot cannot start; the message is fit for the admin and never quotes the token."""


class AppLike(Protocol):
    """What `bootstrap()` builds and the adapter needs."""

    settings: Settings
    desk: FrontDesk


def build_application(settings: Settings, *, concurrency: int = CONCURRENCY) -> Application:
    """A PTB Application on the aiohttp transport, for the configured Bot API server."""
    os.environ.setdefault("PTB_TIMEDELTA", "true")  # PTB's opt-in: no deprecation warnings
    root = settings.telegram_api_base_url
    return (
        ApplicationBuilder()
        .token(settings.token())
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .request(AiohttpRequest(connection_limit=concurrency))
        .get_updates_request(AiohttpRequest(connection_limit=2))
        .concurrent_updates(concurrency)
        .job_queue(None)
        .build()
    )


async def run(
    app: AppLike, *, stop: asyncio.Event | None = None, on_unreachable: Unreachable | None = None
) -> None:
    """Serve until `stop` is set or SIGTERM/SIGINT arrives; then finish in-flight updates.

    `on_unreachable(chat_id)` is called when someone blocks the bot or a send gets a 403.
    """
    quiet_loggers()
    stop = stop or asyncio.Event()
    application = build_application(app.settings)
    api = PtbBotApi(application.bot)
    renderer = Renderer(api, on_unreachable=on_unreachable)
    register(application, Handlers(app.desk, api, renderer))
    with stop_on_signals(stop):
        await initialize(application, app.settings)
        try:
            await application.bot.delete_webhook(drop_pending_updates=False)
            await set_patient_commands(renderer, app.desk.catalog)
            await replay(application, app.desk)
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(
                timeout=POLL_SECONDS, allowed_updates=ALLOWED_UPDATES
            )
            log.info("polling for updates")
            await stop.wait()
        finally:
            await shut_down(application)
    log.info("stopped")


async def initialize(application: Application, settings: Settings) -> None:
    """Connect and check the token (getMe); PTB's own InvalidToken message quotes the token."""
    where = settings.telegram_api_base_url
    try:
        await application.initialize()
    except InvalidToken:
        await application.bot.shutdown()
        raise StartupError(f"the Bot API at {where} refused TELEGRAM_BOT_TOKEN") from None
    except NetworkError as exc:
        await application.bot.shutdown()
        raise StartupError(f"cannot reach the Bot API at {where}: {exc.message}") from None


async def set_patient_commands(renderer: Renderer, catalog: Catalog) -> None:
    """The command menu in each language, and in the default language for everyone else."""
    menus = [CommandMenu(None, patient_menu(catalog, lang), lang) for lang in catalog.languages()]
    menus.append(CommandMenu(None, patient_menu(catalog, catalog.default)))
    await renderer.render(Reply(menus=menus))


async def replay(application: Application, desk: FrontDesk) -> None:
    """Updates journalled but never finished, handled again in their order before polling."""
    unfinished = await desk.unfinished_updates()
    if unfinished:
        log.info("replaying %d unfinished updates", len(unfinished))
    for raw in unfinished:
        update = Update.de_json(raw, application.bot)
        await application.process_update(update)


async def shut_down(application: Application) -> None:
    """Stop polling first, then let the updates in hand finish, then close the connections."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()


@contextlib.contextmanager
def stop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    """SIGTERM and SIGINT set `stop`; the previous handlers come back afterwards."""
    loop = asyncio.get_running_loop()
    installed: list[tuple[signal.Signals, object]] = []
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            previous = signal.getsignal(sig)
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
                installed.append((sig, previous))
    try:
        yield
    finally:
        for sig, previous in installed:
            loop.remove_signal_handler(sig)
            signal.signal(sig, previous)  # type: ignore[arg-type]


def quiet_loggers() -> None:
    """Never at DEBUG, whatever FRONTDESK_LOG_LEVEL says (see NOISY_LOGGERS)."""
    for name, level in NOISY_LOGGERS.items():
        logger = logging.getLogger(name)
        logger.setLevel(max(level, logger.getEffectiveLevel()))
