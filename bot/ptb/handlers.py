"""PTB handler callbacks: each turns an update into an event and hands it to the front desk.

Updates run concurrently (see `runner`); the engine's per-chat lock keeps one chat in order.
That holds because nothing here awaits before `desk.process` takes the lock: a callback query's
empty answer goes out as its own task, started first and awaited last.
"""

from __future__ import annotations

import asyncio
import logging
import traceback

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.ptb.api import PtbBotApi
from bot.ptb.convert import message_event, sender_of, tap_event
from bot.renderer import Renderer, acknowledge
from flows.engine import FrontDesk
from flows.reply import Outgoing, Reply

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
# Shown once when someone writes a command to the bot in a group: it only works in private.
PRIVATE_ONLY = "chat.private_only"


class Handlers:
    def __init__(self, desk: FrontDesk, api: PtbBotApi, renderer: Renderer) -> None:
        self.desk = desk
        self.api = api
        self.renderer = renderer

    async def on_message(self, update: Update, _context: Context) -> None:
        sender, message = sender_of(update), update.effective_message
        if sender is None or message is None:
            return
        event = message_event(sender, message)
        await self.desk.process(event, self.renderer, update_id=update.update_id, journalled=True)

    async def on_tap(self, update: Update, _context: Context) -> None:
        assert update.callback_query is not None
        answered = asyncio.create_task(acknowledge(self.api, update.callback_query.id))
        try:
            sender = sender_of(update)
            event = tap_event(sender, update) if sender and sender.is_private else None
            if event is not None:
                await self.desk.process(
                    event, self.renderer, update_id=update.update_id, journalled=True
                )
        finally:
            await answered

    async def on_group(self, update: Update, _context: Context) -> None:
        """Not for groups: a command gets one polite line, anything else is left alone."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or not (message.text or "").startswith("/"):
            return
        catalog = self.desk.catalog
        if not catalog.has(PRIVATE_ONLY):
            return
        text = catalog.text(PRIVATE_ONLY, catalog.language_of(user.language_code))
        await self.renderer.render(Reply([Outgoing(chat_id=message.chat_id, text=text)]))

    async def on_membership(self, update: Update, _context: Context) -> None:
        """The person blocked the bot: the same hook as a send refused with 403."""
        change = update.my_chat_member
        if change is not None and change.new_chat_member.status == ChatMemberStatus.BANNED:
            await self.renderer.report_unreachable(change.chat.id)

    async def on_error(self, update: object, context: Context) -> None:
        """Where it broke, never what was in it: exception texts can quote personal data."""
        error = context.error
        update_id = update.update_id if isinstance(update, Update) else None
        frames = "".join(traceback.format_tb(error.__traceback__)) if error else ""
        log.error("%s handling update %s\n%s", type(error).__name__, update_id, frames)


def register(application: Application, handlers: Handlers) -> None:
    private = filters.ChatType.PRIVATE
    new_message = filters.UpdateType.MESSAGE
    application.add_handler(CallbackQueryHandler(handlers.on_tap))
    application.add_handler(MessageHandler(new_message & private, handlers.on_message))
    application.add_handler(MessageHandler(new_message & ~private, handlers.on_group))
    application.add_handler(
        ChatMemberHandler(handlers.on_membership, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    application.add_error_handler(handlers.on_error)
