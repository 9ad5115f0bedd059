"""What a person sent, as the engine's framework-free events: the rules both adapters share.

Each adapter parses an update with its own framework and hands the parts here. PTB's and
aiogram's objects carry the Bot API's field names, so these functions read them as the Bot
API describes them (the protocols below) and never import either framework.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

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

# What a person may send that the front desk does not take: named in OtherIn, in this order.
OTHER_KINDS = (
    "sticker",
    "voice",
    "audio",
    "video",
    "video_note",
    "animation",
    "location",
    "venue",
    "poll",
    "dice",
)


class User(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def language_code(self) -> str | None: ...
    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str | None: ...


class Chat(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def type(self) -> str: ...


class PhotoSize(Protocol):
    @property
    def file_id(self) -> str: ...
    @property
    def file_unique_id(self) -> str: ...
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...
    @property
    def file_size(self) -> int | None: ...


class Document(Protocol):
    @property
    def file_id(self) -> str: ...
    @property
    def file_unique_id(self) -> str: ...
    @property
    def mime_type(self) -> str | None: ...
    @property
    def file_name(self) -> str | None: ...
    @property
    def file_size(self) -> int | None: ...


class Contact(Protocol):
    @property
    def phone_number(self) -> str: ...
    @property
    def user_id(self) -> int | None: ...


class Message(Protocol):
    @property
    def text(self) -> str | None: ...
    @property
    def caption(self) -> str | None: ...
    @property
    def photo(self) -> Sequence[PhotoSize] | None: ...
    @property
    def document(self) -> Document | None: ...
    @property
    def contact(self) -> Contact | None: ...


def sender_of(user: User | None, chat: Chat | None) -> Sender | None:
    if user is None or chat is None:
        return None
    return Sender(
        user_id=user.id,
        chat_id=chat.id,
        language_code=user.language_code,
        first_name=user.first_name,
        last_name=user.last_name,
        is_private=chat.type == "private",
    )


def message_event(sender: Sender, message: Message) -> Event:
    """A new message: a command, text, the largest photo, a document, a contact, or other.
    PTB does not check types: a `text` that is not a string is nothing the desk can read."""
    if isinstance(message.text, str):
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


def tap_event(sender: Sender, *, data: str | None, message_id: int | None) -> TapIn | None:
    """A button tap; None for taps without data (games) — there is nothing to do with them."""
    if data is None:
        return None
    return TapIn(sender, data=data, message_id=message_id)
