"""Telegram updates, as aiogram parses them, turned into the engine's framework-free events.

The rules themselves are `bot.incoming`'s, shared with PTB: both adapters hand the engine
identical events.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.types import CallbackQuery, Chat, Update

from bot.feed import Route
from bot.incoming import message_event, sender_of, tap_event
from flows.events import Event


def parse(raw: dict[str, Any], bot: Bot) -> Update:
    return Update.model_validate(raw, context={"bot": bot})


def raw_of(update: Update) -> dict[str, Any]:
    """Bot API JSON again ("from", not "from_user"), as journalled and replayed."""
    return update.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_unset=True)


def tapped_chat(query: CallbackQuery) -> Chat | None:
    return query.message.chat if query.message is not None else None


def engine_event(update: Update) -> Event | None:
    """The event the front desk handles, or None for what it leaves alone (groups, members)."""
    if update.message is not None:
        message = update.message
        sender = sender_of(message.from_user, message.chat)
        return message_event(sender, message) if sender and sender.is_private else None
    if update.callback_query is not None:
        query = update.callback_query
        sender = sender_of(query.from_user, tapped_chat(query))
        if sender is None or not sender.is_private:
            return None
        message_id = query.message.message_id if query.message is not None else None
        return tap_event(sender, data=query.data, message_id=message_id)
    return None


def route(update: Update) -> Route:
    event = engine_event(update)
    if event is not None:
        return Route(event.sender.chat_id, journalled=True)
    chat = update.message.chat if update.message is not None else None
    if update.my_chat_member is not None:
        chat = update.my_chat_member.chat
    return Route(chat.id if chat is not None else None, journalled=False)
