"""A bare echo bot on the front desk's own python-telegram-bot setup, the yardstick of bench.flow.

Same `Application` as the front desk (`bot.ptb.runner.build_application`: the aiohttp
transport, `concurrent_updates`, long polling with the same timeout and update types); per
update it does what the front desk's adapter does, minus the front desk: a text gets one
sendMessage with an inline button, a tap gets answerCallbackQuery (started first, awaited last)
and an edit of the tapped message.

    TELEGRAM_BOT_TOKEN=... TELEGRAM_API_BASE_URL=http://127.0.0.1:8081 python -m bot.echo.ptb
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.ptb.runner import build_application
from flows.settings import Settings

POLL_SECONDS = 30  # the front desk's long-poll timeout
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
BUTTON_LABEL = "Eco"
BUTTON = InlineKeyboardMarkup([[InlineKeyboardButton(BUTTON_LABEL, callback_data="echo")]])


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    await context.bot.send_message(message.chat_id, message.text, reply_markup=BUTTON)


async def on_tap(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    answered = asyncio.create_task(query.answer())
    try:
        await query.edit_message_text(f"tap {update.update_id}", reply_markup=BUTTON)
    finally:
        await answered


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CallbackQueryHandler(on_tap))
    application.add_handler(MessageHandler(filters.TEXT & filters.ChatType.PRIVATE, on_text))


async def serve() -> None:
    """Poll until SIGTERM or SIGINT, then finish the updates in hand."""
    application = build_application(Settings())
    register(application)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await application.initialize()
    try:
        await application.bot.delete_webhook(drop_pending_updates=False)
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(
            timeout=POLL_SECONDS, allowed_updates=ALLOWED_UPDATES
        )
        logging.getLogger(__name__).info("polling for updates")
        await stop.wait()
    finally:
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    for name in ("httpx", "httpcore", "aiohttp"):  # request URLs carry the token
        logging.getLogger(name).setLevel(logging.WARNING)
    asyncio.run(serve())


if __name__ == "__main__":
    main()
