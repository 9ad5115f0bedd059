"""Run the front desk on aiogram 3: build the Bot and Dispatcher, then serve (see `bot.runtime`).

The Bot talks to TELEGRAM_API_BASE_URL through aiogram's own aiohttp session; updates come in
through the shared feed (long polling or the webhook), which hands each to the Dispatcher.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import GetUpdates
from aiogram.types import Update
from aiogram.types.update import UpdateTypeLookupError

from bot.aiogram.api import AiogramBotApi, translated
from bot.aiogram.convert import parse, raw_of, route
from bot.aiogram.handlers import Handlers, router
from bot.botapi import BotApiError
from bot.feed import Route, Unparsed, parse_each
from bot.renderer import Renderer, Unreachable
from bot.runtime import (
    ALLOWED_UPDATES,
    CONCURRENCY,
    POLL_SECONDS,
    AppLike,
    StartupError,
    quiet_loggers,
    serve,
    webhook_options,
)
from flows.settings import Settings

log = logging.getLogger(__name__)


def build_bot(settings: Settings, *, concurrency: int = CONCURRENCY) -> Bot:
    """An aiogram Bot for the configured Bot API server, with `concurrency` connections."""
    server = TelegramAPIServer.from_base(settings.telegram_api_base_url)
    return Bot(settings.token(), session=AiohttpSession(api=server, limit=concurrency))


class GetRawUpdates(GetUpdates):
    """getUpdates answered as plain JSON: aiogram would parse the whole batch at once, and one
    update it refuses would refuse them all."""

    __returning__ = list[dict[str, Any]]  # type: ignore[assignment]


class AiogramSource:
    """The feed's view of aiogram: its `Update`, the Dispatcher, getUpdates and the webhook."""

    def __init__(self, bot: Bot, dispatcher: Dispatcher) -> None:
        self.bot = bot
        self.dispatcher = dispatcher

    def update_id(self, update: Update) -> int:
        return update.update_id

    def route(self, update: Update) -> Route:
        return route(update)

    def raw(self, update: Update) -> dict[str, Any]:
        return raw_of(update)

    def parse(self, raw: dict[str, Any]) -> Update:
        return parse(raw, self.bot)

    async def dispatch(self, update: Update) -> None:
        try:
            update.event_type  # noqa: B018 (it raises for an update of no kind aiogram knows)
        except UpdateTypeLookupError:
            # The Dispatcher would warn with the whole update, contents and all.
            log.info("update %s is of no kind this bot knows: nothing to do", update.update_id)
            return
        await self.dispatcher.feed_update(self.bot, update)

    async def fetch(self, offset: int | None) -> Sequence[Update | Unparsed]:
        method = GetRawUpdates(
            offset=offset, timeout=POLL_SECONDS, allowed_updates=list(ALLOWED_UPDATES)
        )
        async with translated():
            raws = await self.bot(method, request_timeout=POLL_SECONDS + 10)
        return parse_each(raws, self.parse)

    async def delete_webhook(self) -> None:
        async with translated():
            await self.bot.delete_webhook(drop_pending_updates=False)

    async def set_webhook(self, url: str, secret: str) -> None:
        async with translated():
            await self.bot.set_webhook(url, **webhook_options(secret))


async def run(
    app: AppLike, *, stop: asyncio.Event | None = None, on_unreachable: Unreachable | None = None
) -> None:
    """The front desk on aiogram until `stop` (see `bot.runtime.serve`); `on_unreachable(chat_id)`
    is called when someone blocks the bot or a send gets a 403."""
    quiet_loggers()
    bot = build_bot(app.settings)
    api = AiogramBotApi(bot)
    renderer = Renderer(api, on_unreachable=on_unreachable)
    dispatcher = Dispatcher()
    dispatcher.include_router(router(Handlers(app.desk, api, renderer)))
    await serve(
        app,
        AiogramSource(bot, dispatcher),
        renderer,
        stop,
        connect=lambda: initialize(bot, app.settings),
        disconnect=bot.session.close,
    )


async def initialize(bot: Bot, settings: Settings) -> None:
    """Connect and check the token (getMe)."""
    where = settings.telegram_api_base_url
    try:
        async with translated():
            await bot.get_me()
    except BotApiError as error:
        if error.code in (401, 404):
            raise StartupError(f"the Bot API at {where} refused TELEGRAM_BOT_TOKEN") from None
        raise StartupError(f"cannot reach the Bot API at {where}: {error.description}") from None
