"""The emulator's records (users, messages, files, callback queries) and their JSON shapes.

Each record renders itself twice: `to_api` is the Bot API object the bot receives, `to_driver`
is what tests read from the transcript (which also shows things the bot never sees back, like
reply keyboards and deletions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.emulator.markup import Markup, is_inline

Json = dict[str, Any]


def _drop_none(values: Json) -> Json:
    return {k: v for k, v in values.items() if v is not None}


@dataclass
class BotIdentity:
    token: str
    id: int
    username: str
    first_name: str

    def to_api(self) -> Json:
        return {
            "id": self.id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }


@dataclass
class User:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    phone_number: str | None = None
    blocked: bool = False

    def to_api(self) -> Json:
        return _drop_none(
            {
                "id": self.id,
                "is_bot": False,
                "first_name": self.first_name,
                "last_name": self.last_name,
                "username": self.username,
                "language_code": self.language_code,
            }
        )

    def to_chat(self) -> Json:
        return _drop_none(
            {
                "id": self.id,
                "type": "private",
                "first_name": self.first_name,
                "last_name": self.last_name,
                "username": self.username,
            }
        )

    def to_driver(self) -> Json:
        return {
            "id": self.id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "username": self.username,
            "language_code": self.language_code,
            "phone_number": self.phone_number,
            "blocked": self.blocked,
        }


@dataclass
class Message:
    """One message in a private chat, from the bot or from the user."""

    message_id: int
    chat: User
    sender: Json
    from_bot: bool
    date: int
    seq: int
    kind: str = "text"
    text: str | None = None
    entities: list[Json] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[Json] = field(default_factory=list)
    media: Json = field(default_factory=dict)
    reply_markup: Markup | None = None
    protect_content: bool = False
    disable_notification: bool = False
    reply_to: Message | None = None
    edit_date: int | None = None
    edit_count: int = 0
    deleted: bool = False

    def to_api(self, *, nested: bool = False) -> Json:
        body: Json = {
            "message_id": self.message_id,
            "from": self.sender,
            "chat": self.chat.to_chat(),
            "date": self.date,
        }
        if self.edit_date is not None:
            body["edit_date"] = self.edit_date
        if self.protect_content:
            body["has_protected_content"] = True
        if self.reply_to is not None and not nested:
            body["reply_to_message"] = self.reply_to.to_api(nested=True)
        if self.text is not None:
            body["text"] = self.text
            if self.entities:
                body["entities"] = self.entities
        if self.caption is not None:
            body["caption"] = self.caption
            if self.caption_entities:
                body["caption_entities"] = self.caption_entities
        body.update(self.media)
        # Telegram only echoes inline keyboards back in Message objects.
        if is_inline(self.reply_markup):
            body["reply_markup"] = self.reply_markup
        return body

    def to_driver(self) -> Json:
        return {
            "seq": self.seq,
            "message_id": self.message_id,
            "chat_id": self.chat.id,
            "from_bot": self.from_bot,
            "from": self.sender,
            "date": self.date,
            "kind": self.kind,
            "text": self.text,
            "entities": self.entities,
            "caption": self.caption,
            "media": self.media,
            "reply_markup": self.reply_markup,
            "protect_content": self.protect_content,
            "disable_notification": self.disable_notification,
            "reply_to_message_id": self.reply_to.message_id if self.reply_to else None,
            "edit_count": self.edit_count,
            "edit_date": self.edit_date,
            "deleted": self.deleted,
        }


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    kind: str = "document"
    mime_type: str | None = None
    file_name: str | None = None
    width: int = 0
    height: int = 0

    def to_api(self) -> Json:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass
class CallbackQuery:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    created: float
    answered: bool = False
    answer: Json | None = None

    def to_driver(self) -> Json:
        return {
            "id": self.id,
            "user_id": self.user_id,
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "data": self.data,
            "answered": self.answered,
            "answer": self.answer,
        }
