"""Telegram updates, as aiogram parses them, turned into the engine's framework-free events.

The same rules as `bot.ptb.convert`, so both adapters hand the engine identical events.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.enums import ChatType
from aiogram.types import CallbackQuery, Chat, Message, Update, User

from bot.feed import OTHER_KINDS, Route
from flows.events import (
    CommandIn,
    ContactIn,
    Event,
    FileIn,
    OtherIn,
    Sender,
    TapIn,
    TextIn,
    parse_command,
)


def parse(raw: dict[str, Any], bot: Bot) -> Update:
    return Update.model_validate(raw, context={"bot": bot})


def raw_of(update: Update) -> dict[str, Any]:
    """Bot API JSON again ("from", not "from_user"), as journalled and replayed."""
    return update.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_unset=True)


def _sender(user: User | None, chat: Chat | None) -> Sender | None:
    if user is None or chat is None:
        return None
    return Sender(
        user_id=user.id,
        chat_id=chat.id,
        language_code=user.language_code,
        first_name=user.first_name,
        last_name=user.last_name,
        is_private=chat.type == ChatType.PRIVATE,
    )


def tapped_chat(query: CallbackQuery) -> Chat | None:
    return query.message.chat if query.message is not None else None


def engine_event(update: Update) -> Event | None:
    """The event the front desk handles, or None for what it leaves alone (groups, members)."""
    if update.message is not None:
        message = update.message
        sender = _sender(message.from_user, message.chat)
        return message_event(sender, message) if sender and sender.is_private else None
    if update.callback_query is not None:
        query = update.callback_query
        sender = _sender(query.from_user, tapped_chat(query))
        return tap_event(sender, query) if sender and sender.is_private else None
    return None


def route(update: Update) -> Route:
    event = engine_event(update)
    if event is not None:
        return Route(event.sender.chat_id, journalled=True)
    chat = update.message.chat if update.message is not None else None
    if update.my_chat_member is not None:
        chat = update.my_chat_member.chat
    return Route(chat.id if chat is not None else None, journalled=False)


def message_event(sender: Sender, message: Message) -> Event:
    """A new message: a command, text, the largest photo, a document, a contact, or other."""
    if message.text is not None:
        command = parse_command(message.text)
        if command is not None:
            return CommandIn(sender, name=command[0], args=command[1])
        return TextIn(sender, message.text)
    if message.photo:
        largest = max(
            message.photo, key=lambda size: (size.width * size.height, size.file_size or 0)
        )
        return FileIn(
            sender,
            file_id=largest.file_id,
            file_unique_id=largest.file_unique_id,
            kind="photo",
            size=largest.file_size,
            caption=message.caption,
        )
    if message.document is not None:
        document = message.document
        return FileIn(
            sender,
            file_id=document.file_id,
            file_unique_id=document.file_unique_id,
            kind="document",
            mime_type=document.mime_type,
            file_name=document.file_name,
            size=document.file_size,
            caption=message.caption,
        )
    if message.contact is not None:
        contact = message.contact
        return ContactIn(sender, phone=contact.phone_number, contact_user_id=contact.user_id)
    what = next((kind for kind in OTHER_KINDS if getattr(message, kind, None)), "other")
    return OtherIn(sender, what=what)


def tap_event(sender: Sender, query: CallbackQuery) -> TapIn | None:
    """A button tap; None for taps without data (games) — there is nothing to do with them."""
    if query.data is None:
        return None
    message_id = query.message.message_id if query.message is not None else None
    return TapIn(sender, data=query.data, message_id=message_id)
