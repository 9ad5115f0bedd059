"""Input events: what an adapter turns a Telegram update into. Plain data, no framework types."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Sender:
    user_id: int
    chat_id: int
    language_code: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    is_private: bool = True


@dataclass(frozen=True, slots=True)
class TextIn:
    sender: Sender
    text: str


@dataclass(frozen=True, slots=True)
class CommandIn:
    """A slash command: `name` without the slash and bot suffix, `args` the rest of the line."""

    sender: Sender
    name: str
    args: str = ""


@dataclass(frozen=True, slots=True)
class TapIn:
    """An inline button tapped: the callback data and the message it was attached to."""

    sender: Sender
    data: str
    message_id: int | None


@dataclass(frozen=True, slots=True)
class FileIn:
    sender: Sender
    file_id: str
    file_unique_id: str | None
    kind: str  # photo | document
    mime_type: str | None = None
    file_name: str | None = None
    size: int | None = None
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class ContactIn:
    sender: Sender
    phone: str
    contact_user_id: int | None = None


@dataclass(frozen=True, slots=True)
class OtherIn:
    """Anything else a person can send (stickers, locations, voice): answered with a hint."""

    sender: Sender
    what: str = "other"


Event = TextIn | CommandIn | TapIn | FileIn | ContactIn | OtherIn


def parse_command(text: str) -> tuple[str, str] | None:
    """`/start abc` -> ("start", "abc"); `/inbox@FrontDeskBot` -> ("inbox", "")."""
    if not text.startswith("/") or len(text) < 2:
        return None
    head, _, rest = text[1:].partition(" ")
    name = head.split("@", 1)[0].lower()
    if not name or not all(ch.isalnum() or ch == "_" for ch in name):
        return None
    return name, rest.strip()
