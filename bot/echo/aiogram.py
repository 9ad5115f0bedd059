"""A bare echo bot on the front desk's own aiogram setup, the yardstick of bench.adapters.

Same Bot as the front desk (`bot.aiogram.runner.build_bot`: aiogram's aiohttp session with as
many connections as the front desk handles updates at once), polled by aiogram's own
`Dispatcher.start_polling` with the same timeout, update types and concurrency; per update it
does what the front desk's adapter does, minus the front desk: a text gets one sendMessage with
an inline button, a tap gets answerCallbackQuery (started first, awaited last) and an edit of
the tapped message.

    TELEGRAM_BOT_TOKEN=... TELEGRAM_API_BASE_URL=http://127.0.0.1:8081 python -m bot.echo.aiogram
"""

from __future__ import annotations

import asyncio
import logging

# A bare framework bot by design, the yardstick: the one place outside bot/ that imports aiogram.
from aiogram import Dispatcher, F, Router
from aiogram.enums import ChatType
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from bot.aiogram.runner import build_bot
from bot.runtime import ALLOWED_UPDATES, CONCURRENCY, POLL_SECONDS, quiet_loggers
from bot.serve import LOG_FORMAT
from flows.settings import Settings

BUTTON_LABEL = "Eco"
BUTTON = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text=BUTTON_LABEL, callback_data="echo")]]
)


async def on_text(message: Message) -> None:
    if message.text is not None:
        await message.answer(message.text, reply_markup=BUTTON)


async def on_tap(query: CallbackQuery) -> None:
    answered = asyncio.ensure_future(query.answer())
    try:
        if query.message is not None:
            await query.bot.edit_message_text(  # type: ignore[union-attr]
                text=f"tap {query.id}",
                chat_id=query.message.chat.id,
                message_id=query.message.message_id,
                reply_markup=BUTTON,
            )
    finally:
        await answered


def router() -> Router:
    routes = Router(name="echo")
    routes.callback_query.register(on_tap)
    routes.message.register(on_text, F.text, F.chat.type == ChatType.PRIVATE)
    return routes


async def serve() -> None:
    """Poll until SIGTERM or SIGINT (aiogram's own handling), then stop."""
    bot = build_bot(Settings())
    dispatcher = Dispatcher()
    dispatcher.include_router(router())
    await bot.delete_webhook(drop_pending_updates=False)
    logging.getLogger(__name__).info("polling for updates")
    await dispatcher.start_polling(
        bot,
        polling_timeout=POLL_SECONDS,
        allowed_updates=list(ALLOWED_UPDATES),
        tasks_concurrency_limit=CONCURRENCY,
    )


def main() -> None:
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    quiet_loggers()
    asyncio.run(serve())


if __name__ == "__main__":
    main()
