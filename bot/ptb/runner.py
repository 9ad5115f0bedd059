"""Run the front desk on python-telegram-bot 22: build the Application, then serve (see
`bot.runtime`).

PTB's own Updater is not used: updates come in through the shared feed (long polling or the
webhook), which journals them before they are confirmed and hands each to
`Application.process_update`.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application, ApplicationBuilder

from bot.feed import Route, Unparsed, parse_each
from bot.ptb.api import PtbBotApi, translated
from bot.ptb.convert import check, route
from bot.ptb.handlers import Handlers, register
from bot.renderer import Renderer, Unreachable
from bot.runtime import (
    ALLOWED_UPDATES,
    CONCURRENCY,
    POLL_SECONDS,
    AppLike,
    StartupError,
    quiet_loggers,
    serve,
    stop_on_signals,
    webhook_options,
)
from bot.transport import AiohttpRequest
from flows.settings import Settings

RAW_KEPT = 1000
# How much longer than the long poll itself a getUpdates may take to answer.
POLL_GRACE = 10.0

__all__ = [
    "ALLOWED_UPDATES",
    "POLL_SECONDS",
    "AppLike",
    "StartupError",
    "build_application",
    "initialize",
    "quiet_loggers",
    "run",
    "shut_down",
    "stop_on_signals",
]


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


class PtbSource:
    """The feed's view of PTB: its `Update`, the Application's handlers, getUpdates, webhook."""

    def __init__(self, application: Application) -> None:
        self.application = application
        # The JSON each update came as, until it is journalled: rebuilding it from PTB's
        # objects (`to_dict`) cost more than a tenth of a turn.
        self._raw: dict[int, dict[str, Any]] = {}

    def update_id(self, update: Update) -> int:
        return update.update_id

    def route(self, update: Update) -> Route:
        return route(update)

    def raw(self, update: Update) -> dict[str, Any]:
        raw = self._raw.pop(update.update_id, None)
        return raw if raw is not None else update.to_dict()

    def parse(self, raw: dict[str, Any]) -> Update:
        update = Update.de_json(raw, self.application.bot)
        if update is None:
            raise ValueError("not an update")
        check(update)
        if len(self._raw) >= RAW_KEPT:  # updates never journalled (groups) leave theirs here
            self._raw.clear()
        self._raw[update.update_id] = raw
        return update

    async def dispatch(self, update: Update) -> None:
        await self.application.process_update(update)

    async def fetch(self, offset: int | None) -> Sequence[Update | Unparsed]:
        """getUpdates through PTB's `do_api_request`, so the JSON is at hand for the journal (the
        lower-case name, which the Bot API accepts, keeps PTB from warning that it has a
        method for it); each update parsed on its own, so one PTB refuses spoils nothing."""
        params: dict[str, Any] = {"timeout": POLL_SECONDS, "allowed_updates": ALLOWED_UPDATES}
        if offset is not None:
            params["offset"] = offset
        async with translated():
            raws = await self.application.bot.do_api_request(
                "getupdates", api_kwargs=params, read_timeout=POLL_SECONDS + POLL_GRACE
            )
        return parse_each(raws if isinstance(raws, list) else [], self.parse)

    async def delete_webhook(self) -> None:
        async with translated():
            await self.application.bot.delete_webhook(drop_pending_updates=False)

    async def set_webhook(self, url: str, secret: str) -> None:
        async with translated():
            await self.application.bot.set_webhook(url, **webhook_options(secret))


async def run(
    app: AppLike, *, stop: asyncio.Event | None = None, on_unreachable: Unreachable | None = None
) -> None:
    """The front desk on PTB until `stop` (see `bot.runtime.serve`); `on_unreachable(chat_id)`
    is called when someone blocks the bot or a send gets a 403."""
    quiet_loggers()
    application = build_application(app.settings)
    api = PtbBotApi(application.bot)
    renderer = Renderer(api, on_unreachable=on_unreachable)
    register(application, Handlers(app.desk, api, renderer))
    await serve(
        app,
        PtbSource(application),
        renderer,
        stop,
        connect=lambda: initialize(application, app.settings),
        disconnect=lambda: shut_down(application),
    )


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


async def shut_down(application: Application) -> None:
    """Stop polling first, then let the updates in hand finish, then close the connections."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()
