"""What the driver client returns: users, transcript messages, callback answers, waits.

Plain frozen dataclasses built from the driver's JSON; `ChatMessage.raw` keeps the full entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]


class EmulatorError(Exception):
    """The driver refused a request (status is the HTTP status, message says why)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


@dataclass(frozen=True)
class EmulatorUser:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    phone_number: str | None = None
    blocked: bool = False


@dataclass(frozen=True)
class ChatMessage:
    """One transcript entry; `seq` changes on every send, edit and deletion."""

    seq: int
    message_id: int
    chat_id: int
    from_bot: bool
    kind: str
    """"text", "photo", "document" or "contact"."""
    text: str | None
    caption: str | None
    reply_markup: Json | None
    protect_content: bool
    edit_count: int
    deleted: bool
    date: int
    entities: list[Json] = field(default_factory=list)
    media: Json = field(default_factory=dict)
    """{"photo": [PhotoSize...]}, {"document": Document} or {"contact": Contact}."""
    reply_to_message_id: int | None = None
    disable_notification: bool = False
    edit_date: int | None = None
    raw: Json = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Json) -> ChatMessage:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in names and k != "raw"}, raw=data)

    @property
    def content(self) -> str:
        """The text, or the caption, or "" — what the bubble reads."""
        return self.text or self.caption or ""

    @property
    def inline_keyboard(self) -> list[list[Json]]:
        return list((self.reply_markup or {}).get("inline_keyboard", []))

    @property
    def buttons(self) -> list[str]:
        """Labels of the inline keyboard, else of the reply keyboard, row by row."""
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [button["text"] for row in rows for button in row]

    def callback_data(self, label: str) -> str | None:
        for row in self.inline_keyboard:
            for button in row:
                if button["text"] == label:
                    return button.get("callback_data")
        return None

    def describe(self) -> str:
        """One line for assertion messages: id, seq, sender, kind, flags, content, buttons."""
        who = "bot" if self.from_bot else "user"
        flags = " deleted" if self.deleted else ""
        flags += f" edited x{self.edit_count}" if self.edit_count else ""
        buttons = f" buttons={self.buttons}" if self.buttons else ""
        content = self.content
        if self.kind == "contact":
            content = content or str(self.media.get("contact", {}).get("phone_number", ""))
        elif self.kind == "document":
            content = content or str(self.media.get("document", {}).get("file_name", ""))
        return f"#{self.message_id} seq={self.seq} {who} {self.kind}{flags}: {content!r}{buttons}"


@dataclass(frozen=True)
class CallbackAnswer:
    """A callback query the user made and how (whether) the bot answered it."""

    id: str
    chat_id: int
    message_id: int
    data: str
    answered: bool
    text: str | None = None
    show_alert: bool = False
    url: str | None = None

    @classmethod
    def from_json(cls, data: Json) -> CallbackAnswer:
        answer = data.get("answer") or {}
        return cls(
            id=data["id"],
            chat_id=data["chat_id"],
            message_id=data["message_id"],
            data=data["data"],
            answered=data["answered"],
            text=answer.get("text"),
            show_alert=bool(answer.get("show_alert")),
            url=answer.get("url"),
        )


@dataclass(frozen=True)
class WaitResult:
    changed: bool
    seq: int
    messages: list[ChatMessage]

    @classmethod
    def from_json(cls, data: Json) -> WaitResult:
        messages = [ChatMessage.from_json(m) for m in data["messages"]]
        return cls(bool(data["changed"]), int(data["seq"]), messages)
