"""Start-up, serving and shutdown, the same for both adapters; each lends a `Source` of updates.

Start-up order: connect and check the token, register or delete the webhook, set the patient
command menu, replay the updates journalled but never finished (the bot died mid-way), and only
then take new ones — by long polling, or on the webhook when FRONTDESK_WEBHOOK_URL is set.
The command menu is set while the replay runs. The first getUpdates is the sign, for tests
and for whoever watches the Bot API, that the bot serves: the scheduler is running by then.

Shutdown (SIGTERM, SIGINT or `stop`): stop taking updates (the poll is cancelled before anything
is confirmed; the webhook server stops listening, and Telegram keeps what it could not deliver),
let the updates in hand finish within `DRAIN_SECONDS` (what is left stays journalled and is
replayed at the next start), then the adapter closes its connections and the caller the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import threading
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from bot.feed import Feed, Framework, Unparsed, parse_one, update_id_of
from bot.outbound import BotApiPort
from bot.polling import poll
from bot.renderer import Renderer
from flows.engine import FrontDesk
from flows.i18n import Catalog
from flows.menus import patient_menu
from flows.reply import CommandMenu, Reply
from flows.settings import Settings

if TYPE_CHECKING:
    # Imported when a webhook is configured: aiohttp's server side is not needed for polling.
    from bot.webhook import WebhookServer

log = logging.getLogger(__name__)

U = TypeVar("U")

# Updates handled at once, across chats; one chat is kept in order by the feed.
CONCURRENCY = 256
POLL_SECONDS = 30
DRAIN_SECONDS = 20.0
# channel_post too: a bot left in a channel hears of it, and leaves (see the handlers).
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member", "channel_post")
# Telegram's connections to the webhook at once (its default, and its upper bound, is 40/100).
WEBHOOK_CONNECTIONS = 40
# Loggers that, at DEBUG, print request URLs (with the token), texts sent or SQL parameters;
# aiogram.event logs a line per update at INFO.
NOISY_LOGGERS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiohttp": logging.WARNING,
    "telegram": logging.INFO,
    "aiogram": logging.INFO,
    "aiogram.event": logging.WARNING,
    "aiosqlite": logging.INFO,
    "sqlalchemy.engine": logging.WARNING,
}


class StartupError(RuntimeError):
    """The bot cannot start; the message is fit for the admin and never quotes the token."""


class AppLike(Protocol):
    """What `bootstrap()` builds and the adapter needs."""

    settings: Settings
    desk: FrontDesk


class Source(Framework[U], Protocol):
    """A framework's side of serving: parse, fetch by long polling, set or delete the webhook.
    Every call raises `BotApiError` (never the framework's own errors)."""

    def parse(self, raw: dict[str, Any]) -> U: ...

    async def fetch(self, offset: int | None) -> Sequence[U]: ...

    async def delete_webhook(self) -> None: ...

    async def set_webhook(self, url: str, secret: str) -> None: ...


async def start_scheduler(app: AppLike, renderer: Renderer) -> bool:
    """Start the reminders' scheduler on this adapter's Bot API, unless someone already did;
    True when this call started it (and so must stop it)."""
    scheduler = getattr(app, "scheduler", None)
    if scheduler is None or scheduler.running:
        return False
    if renderer.on_unreachable is None:
        renderer.on_unreachable = scheduler.on_unreachable
    if renderer.on_departure is None:
        renderer.on_departure = scheduler.limiter.note
    await scheduler.start(BotApiPort(renderer.api))
    return True


async def serve(
    app: AppLike,
    source: Source[U],
    renderer: Renderer,
    stop: asyncio.Event | None,
    *,
    connect: Callable[[], Awaitable[None]],
    disconnect: Callable[[], Awaitable[None]],
) -> None:
    """Serve until `stop` is set or SIGTERM/SIGINT arrives; then finish in-flight updates and
    `disconnect`, whether or not `connect` (which checks the token) got that far."""
    stop = stop or asyncio.Event()
    with stop_on_signals(stop):
        try:
            await connect()
            await serve_updates(app, source, renderer, stop)
        finally:
            await disconnect()
    log.info("stopped")


def webhook_options(secret: str) -> dict[str, Any]:
    """setWebhook's options besides the URL. Updates Telegram holds are never dropped: they
    are the patients' messages sent while the bot was away."""
    return {
        "secret_token": secret,
        "allowed_updates": list(ALLOWED_UPDATES),
        "max_connections": WEBHOOK_CONNECTIONS,
        "drop_pending_updates": False,
    }


async def serve_updates(
    app: AppLike,
    source: Source[U],
    renderer: Renderer,
    stop: asyncio.Event,
    *,
    concurrency: int = CONCURRENCY,
) -> None:
    """Everything after the token was checked, until `stop`; the updates in hand finish."""
    settings = app.settings
    feed = Feed(app.desk, source, concurrency=concurrency)
    webhook: WebhookServer[U] | None = None
    started = False
    try:
        if not settings.webhook_url:
            await source.delete_webhook()
        commands = asyncio.ensure_future(set_patient_commands(renderer, app.desk.catalog))
        try:
            await replay(source, app.desk)
        finally:
            await commands
        # The scheduler starts connected and caught up, before new updates are taken.
        started = await start_scheduler(app, renderer)
        freeze_startup_objects()
        if settings.webhook_url:
            from bot.webhook import WebhookServer

            webhook = WebhookServer(feed, source.parse, settings)
            await webhook.start()
            await source.set_webhook(settings.webhook_url, settings.webhook_token())
            log.info("serving the webhook")
            await stop.wait()
        else:
            await poll(source.fetch, feed, stop)
    finally:
        gc.unfreeze()  # a process that serves again (tests do) starts from the same place
        if webhook is not None:
            await webhook.stop()
        if not await feed.drain(DRAIN_SECONDS):
            await feed.cancel()
        # After the updates in hand, before the adapter disconnects: the outbox flushed within
        # a bound.
        if started:
            await app.scheduler.shutdown()  # type: ignore[attr-defined]


def freeze_startup_objects() -> None:
    """What start-up loaded (modules, flows, catalogs, SQLAlchemy's mappers, the framework) lives
    as long as the process: out of the collector's sight, a full collection walks only what the
    turns create. Measured under load: full collections of ~150,000 start-up objects stopped the
    event loop for up to 100 ms, and took a tenth of the bot's CPU.

    Only the young generations are collected first: a full collection here took 0.2-0.3 s of
    every start and found a few dozen unreachable objects among 130,000."""
    gc.collect(1)
    gc.freeze()


async def set_patient_commands(renderer: Renderer, catalog: Catalog) -> None:
    """The command menu in each language, and in the default language for everyone else."""
    menus = [CommandMenu(None, patient_menu(catalog, lang), lang) for lang in catalog.languages()]
    menus.append(CommandMenu(None, patient_menu(catalog, catalog.default)))
    await renderer.render(Reply(menus=menus))


async def replay(source: Source[U], desk: FrontDesk) -> None:
    """Updates journalled but never finished, handled again in their order before new ones.
    One that cannot be read (journalled by an older version, say) is set aside; one that fails
    again stays pending: neither stops the start-up."""
    unfinished = await desk.unfinished_updates()
    if unfinished:
        log.info("replaying %d unfinished updates", len(unfinished))
    for raw in unfinished:
        update = parse_one(raw, source.parse)
        if update is None or isinstance(update, Unparsed):
            await _set_aside(desk, update_id_of(raw))
            continue
        try:
            await source.dispatch(update)
        except Exception as exc:  # its own business: the next updates still come first
            log.error(
                "replaying update %s failed (%s)", source.update_id(update), type(exc).__name__
            )


async def _set_aside(desk: FrontDesk, update_id: int | None) -> None:
    if update_id is None:
        log.warning("a journalled update without an update_id was left alone")
        return
    async with desk.database.uow(urgent=True) as uow:
        await uow.updates.set_aside(update_id=update_id)
        await uow.commit()


@contextlib.contextmanager
def stop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    """SIGTERM and SIGINT set `stop`; the previous handlers come back afterwards."""
    loop = asyncio.get_running_loop()
    installed: list[tuple[signal.Signals, Any]] = []
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
            signal.signal(sig, previous)


def quiet_loggers() -> None:
    """Never at DEBUG, whatever FRONTDESK_LOG_LEVEL says (see NOISY_LOGGERS)."""
    for name, level in NOISY_LOGGERS.items():
        logger = logging.getLogger(name)
        logger.setLevel(max(level, logger.getEffectiveLevel()))
