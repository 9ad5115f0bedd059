"""aiogram handlers: each turns an update into an event and hands it to the front desk.

Mirrors `bot.ptb.handlers`: a callback query's empty answer goes out as its own task, started
first and awaited last; groups and channels are left (after one polite line in a group); a block
calls the unreachable hook; errors are logged by type and place, never by content.
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import F, Router
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.types import CallbackQuery, Chat, ChatMemberUpdated, ErrorEvent, Message, Update

from bot.aiogram.api import AiogramBotApi
from bot.aiogram.convert import engine_event
from bot.groups import Groups
from bot.renderer import Renderer, acknowledge
from flows.engine import FrontDesk
from flows.logsafe import log_unexpected

log = logging.getLogger(__name__)

# Where the bot is a member it should not be: it leaves (see `bot.groups`).
SHARED_CHATS = (ChatType.GROUP, ChatType.SUPERGROUP, ChatType.CHANNEL)
JOINED = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.RESTRICTED)


class Handlers:
    def __init__(self, desk: FrontDesk, api: AiogramBotApi, renderer: Renderer) -> None:
        self.desk = desk
        self.api = api
        self.renderer = renderer
        self.groups = Groups(desk, api, renderer)

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
        """A group or a channel: one polite line where it may write, then the bot leaves."""
        user = message.from_user
        await self._leave(message.chat, user.language_code if user is not None else None)

    async def on_membership(self, change: ChatMemberUpdated) -> None:
        """Blocked by the person: the same hook as a send refused with 403. Added to a group
        or a channel: it leaves."""
        status = change.new_chat_member.status
        if change.chat.type in SHARED_CHATS:
            if status in JOINED:
                await self._leave(change.chat, change.from_user.language_code)
        elif status == ChatMemberStatus.KICKED:
            await self.renderer.report_unreachable(change.chat.id)

    async def _leave(self, chat: Chat, language_code: str | None) -> None:
        if chat.type in SHARED_CHATS:
            say = chat.type != ChatType.CHANNEL
            await self.groups.leave(chat.id, language_code=language_code, say=say)

    async def on_error(self, event: ErrorEvent) -> None:
        log_unexpected(log, event.exception, "handling update %s", event.update.update_id)


def router(handlers: Handlers) -> Router:
    private = F.chat.type == ChatType.PRIVATE
    routes = Router(name="frontdesk")
    routes.callback_query.register(handlers.on_tap)
    routes.message.register(handlers.on_message, private)
    routes.message.register(handlers.on_group, ~private)
    routes.channel_post.register(handlers.on_group)
    routes.my_chat_member.register(handlers.on_membership)
    routes.errors.register(handlers.on_error)
    return routes
