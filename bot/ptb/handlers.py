"""PTB handler callbacks: each turns an update into an event and hands it to the front desk.

Updates run concurrently (see `runner`); the engine's per-chat lock keeps one chat in order.
That holds because nothing here awaits before `desk.process` takes the lock: a callback query's
empty answer goes out as its own task, started first and awaited last.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.groups import Groups
from bot.incoming import message_event
from bot.ptb.api import PtbBotApi
from bot.ptb.convert import sender_of, tap_event
from bot.renderer import Renderer, acknowledge
from flows.engine import FrontDesk
from flows.logsafe import log_unexpected

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
# Where the bot is a member it should not be: it leaves (see `bot.groups`).
SHARED_CHATS = (ChatType.GROUP, ChatType.SUPERGROUP, ChatType.CHANNEL)
JOINED = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.RESTRICTED)


class Handlers:
    def __init__(self, desk: FrontDesk, api: PtbBotApi, renderer: Renderer) -> None:
        self.desk = desk
        self.api = api
        self.renderer = renderer
        self.groups = Groups(desk, api, renderer)

    async def on_message(self, update: Update, _context: Context) -> None:
        sender, message = sender_of(update), update.effective_message
        if sender is None or message is None:
            return
        event = message_event(sender, message)
        await self.desk.process(event, self.renderer, update_id=update.update_id, journalled=True)

    async def on_tap(self, update: Update, _context: Context) -> None:
        if update.callback_query is None or not isinstance(update.callback_query.id, str):
            return
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
        """A group or a channel: one polite line where it may write, then the bot leaves."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or not isinstance(chat.id, int) or chat.type not in SHARED_CHATS:
            return  # nothing to do: not a chat it could leave
        language = user.language_code if user is not None else None
        await self.groups.leave(chat.id, language_code=language, say=chat.type != ChatType.CHANNEL)

    async def on_membership(self, update: Update, context: Context) -> None:
        """Blocked by the person: the same hook as a send refused with 403. Added to a group
        or a channel: it leaves."""
        change = update.my_chat_member
        if change is None or not isinstance(change.chat.id, int):
            return
        status = change.new_chat_member.status
        if change.chat.type in SHARED_CHATS:
            if status in JOINED:
                await self.on_group(update, context)
        elif status == ChatMemberStatus.BANNED:
            await self.renderer.report_unreachable(change.chat.id)

    async def on_error(self, update: object, context: Context) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        log_unexpected(log, context.error, "handling update %s", update_id)


def register(application: Application, handlers: Handlers) -> None:
    private = filters.ChatType.PRIVATE
    new_message = filters.UpdateType.MESSAGE
    application.add_handler(CallbackQueryHandler(handlers.on_tap))
    application.add_handler(MessageHandler(new_message & private, handlers.on_message))
    application.add_handler(MessageHandler(new_message & ~private, handlers.on_group))
    application.add_handler(MessageHandler(filters.UpdateType.CHANNEL_POST, handlers.on_group))
    application.add_handler(
        ChatMemberHandler(handlers.on_membership, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    application.add_error_handler(handlers.on_error)
