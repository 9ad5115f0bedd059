"""aiogram handlers: each turns an update into an event and hands it to the front desk.

Mirrors `bot.ptb.handlers`: a callback query's empty answer goes out as its own task, started
first and awaited last; group chats get one polite line for a command; a block calls the
unreachable hook; errors are logged by type and place, never by content.
"""

from __future__ import annotations

import asyncio
import logging
import traceback

from aiogram import F, Router
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.types import CallbackQuery, ChatMemberUpdated, ErrorEvent, Message, Update

from bot.aiogram.api import AiogramBotApi
from bot.aiogram.convert import engine_event
from bot.renderer import Renderer, acknowledge
from flows.engine import FrontDesk
from flows.reply import Outgoing, Reply

log = logging.getLogger(__name__)

# Shown once when someone writes a command to the bot in a group: it only works in private.
PRIVATE_ONLY = "chat.private_only"


class Handlers:
    def __init__(self, desk: FrontDesk, api: AiogramBotApi, renderer: Renderer) -> None:
        self.desk = desk
        self.api = api
        self.renderer = renderer

    async def on_update(self, event_update: Update) -> None:
        """A private message or a tap: the front desk's, journalled by the feed before."""
        event = engine_event(event_update)
        if event is not None:
            await self.desk.process(
                event, self.renderer, update_id=event_update.update_id, journalled=True
            )

    async def on_tap(self, query: CallbackQuery, event_update: Update) -> None:
        answered = asyncio.create_task(acknowledge(self.api, query.id))
        try:
            await self.on_update(event_update)
        finally:
            await answered

    async def on_message(self, _message: Message, event_update: Update) -> None:
        await self.on_update(event_update)

    async def on_group(self, message: Message) -> None:
        """Not for groups: a command gets one polite line, anything else is left alone."""
        user = message.from_user
        if user is None or not (message.text or "").startswith("/"):
            return
        catalog = self.desk.catalog
        if not catalog.has(PRIVATE_ONLY):
            return
        text = catalog.text(PRIVATE_ONLY, catalog.language_of(user.language_code))
        await self.renderer.render(Reply([Outgoing(chat_id=message.chat.id, text=text)]))

    async def on_membership(self, change: ChatMemberUpdated) -> None:
        """The person blocked the bot: the same hook as a send refused with 403."""
        if change.new_chat_member.status == ChatMemberStatus.KICKED:
            await self.renderer.report_unreachable(change.chat.id)

    async def on_error(self, event: ErrorEvent) -> None:
        """Where it broke, never what was in it: exception texts can quote personal data."""
        error = event.exception
        frames = "".join(traceback.format_tb(error.__traceback__))
        log.error("%s handling update %s\n%s", type(error).__name__, event.update.update_id, frames)


def router(handlers: Handlers) -> Router:
    private = F.chat.type == ChatType.PRIVATE
    routes = Router(name="frontdesk")
    routes.callback_query.register(handlers.on_tap)
    routes.message.register(handlers.on_message, private)
    routes.message.register(handlers.on_group, ~private)
    routes.my_chat_member.register(handlers.on_membership)
    routes.errors.register(handlers.on_error)
    return routes
