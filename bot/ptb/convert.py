"""Telegram updates, as PTB parses them, checked and turned into the engine's framework-free events
(by the rules in `bot.incoming`, shared with aiogram)."""

from __future__ import annotations

from datetime import datetime

from telegram import Chat, Message, Update, User

from bot import incoming
from bot.feed import Route
from flows.events import Event, Sender, TapIn


class Unreadable(ValueError):
    """An update missing what Telegram always sends: PTB builds it anyway, the desk cannot."""


def check(update: Update) -> Update:
    """PTB builds an update from any JSON, required fields missing or of the wrong type; the
    fields the handlers and PTB's own filters count on are checked here, so such an update is
    refused as unreadable instead of failing inside a filter."""
    for message in (update.message, update.edited_message, update.channel_post):
        if message is not None:
            _check_message(message)
    query = update.callback_query
    if query is not None:
        _require(isinstance(query.id, str) and isinstance(query.chat_instance, str))
        _check_user(query.from_user)
        _require(query.data is None or isinstance(query.data, str))
        if query.message is not None:
            _require(isinstance(query.message.message_id, int))
            _check_chat(query.message.chat)
    change = update.my_chat_member
    if change is not None:
        _check_chat(change.chat)
        _check_user(change.from_user)
        _require(isinstance(change.new_chat_member.status, str))
    return update


def _check_message(message: Message) -> None:
    _require(isinstance(message.message_id, int) and isinstance(message.date, datetime))
    _check_chat(message.chat)
    if message.from_user is not None:
        _check_user(message.from_user)
    _require(message.text is None or isinstance(message.text, str))
    _require(message.caption is None or isinstance(message.caption, str))


def _check_chat(chat: object) -> None:
    _require(isinstance(chat, Chat) and _integer(chat.id) and isinstance(chat.type, str))


def _check_user(user: object) -> None:
    _require(isinstance(user, User) and _integer(user.id) and isinstance(user.first_name, str))


def _integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _require(condition: bool) -> None:
    if not condition:
        raise Unreadable("not an update Telegram sends")


def sender_of(update: Update) -> Sender | None:
    return incoming.sender_of(update.effective_user, update.effective_chat)


def tap_event(sender: Sender, update: Update) -> TapIn | None:
    query = update.callback_query
    if query is None:
        return None
    message_id = query.message.message_id if query.message is not None else None
    return incoming.tap_event(sender, data=query.data, message_id=message_id)


def engine_event(update: Update) -> Event | None:
    """The event the front desk handles, or None for what it leaves alone (groups, members)."""
    sender = sender_of(update)
    if sender is None or not sender.is_private:
        return None
    if update.message is not None:
        return incoming.message_event(sender, update.message)
    if update.callback_query is not None:
        return tap_event(sender, update)
    return None


def route(update: Update) -> Route:
    event = engine_event(update)
    if event is not None:
        return Route(event.sender.chat_id, journalled=True)
    chat = update.effective_chat
    return Route(chat.id if chat is not None else None, journalled=False)
