"""Helpers for the reminders' end-to-end tests: a Bot API client of the adapter's own framework
and its run function. The outbound port itself lives in `bot.outbound`."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from bot.botapi import BotApi
from bot.outbound import BotApiPort, outcome
from flows.settings import Settings

__all__ = ["BotApiPort", "outbound_api", "outcome", "run_of"]


@contextlib.asynccontextmanager
async def outbound_api(adapter: str, settings: Settings) -> AsyncIterator[BotApi]:
    """A Bot API client of the adapter's own framework, for the outbound port."""
    if adapter == "aiogram":
        from bot.aiogram import build_bot
        from bot.aiogram.api import AiogramBotApi

        bot = build_bot(settings)
        try:
            yield AiogramBotApi(bot)
        finally:
            await bot.session.close()
        return
    from bot.ptb import build_application
    from bot.ptb.api import PtbBotApi

    application = build_application(settings)
    await application.initialize()
    try:
        yield PtbBotApi(application.bot)
    finally:
        await application.shutdown()


def run_of(adapter: str) -> Callable[..., Awaitable[None]]:
    if adapter == "aiogram":
        from bot.aiogram import run as run_aiogram

        return run_aiogram
    from bot.ptb import run as run_ptb

    return run_ptb
